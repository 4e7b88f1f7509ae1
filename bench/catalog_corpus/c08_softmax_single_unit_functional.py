"""A binary classifier with one output unit and F.softmax over it (always 1.0)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class SpamClassifier(nn.Module):
    def __init__(self, vocab=2000):
        super().__init__()
        self.fc1 = nn.Linear(vocab, 32)
        self.out = nn.Linear(32, 1)

    def forward(self, x):
        return F.softmax(self.out(F.relu(self.fc1(x))), dim=1)  # expect: NL309


model = SpamClassifier()
criterion = nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for bag, label in []:
    loss = criterion(model(bag), label)
    loss.backward()
