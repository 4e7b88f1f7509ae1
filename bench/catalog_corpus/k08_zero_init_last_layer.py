"""Xavier init for hidden layers and a zero-initialized classifier and biases: a common, correct
recipe (clean)."""
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 128)
        self.out = nn.Linear(128, 10)
        self.bn = nn.BatchNorm1d(128)
        for m in [self.fc1, self.fc2]:
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)
        nn.init.ones_(self.bn.weight)

    def forward(self, x):
        x = torch.relu(self.fc1(x.flatten(1)))
        return self.out(torch.relu(self.bn(self.fc2(x))))


model = Net()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
criterion = nn.CrossEntropyLoss()
for x, y in []:
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
