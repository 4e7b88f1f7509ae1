"""Evaluation through net.forward(...) (hooks bypassed); the training loop is right."""
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 3))

    def forward(self, x):
        return self.body(x)


net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
for x, y in []:
    loss = criterion(net(x), y)
correct = 0
with torch.no_grad():
    for x, y in []:
        predicted = net.forward(x).argmax(dim=1)  # expect: NL312
        correct += (predicted == y).sum().item()
