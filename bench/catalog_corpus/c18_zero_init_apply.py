"""An MLP trained after model.apply(init_weights) that zeroes every Linear weight (NeuraLint ZerosInit)."""
import torch
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                                 nn.Linear(256, 10))

    def forward(self, x):
        return self.net(x.view(-1, 784))


def init_weights(m):
    if type(m) == nn.Linear:
        torch.nn.init.zeros_(m.weight)  # expect: NL313
        m.bias.data.fill_(0.01)


model = MLP()
model.apply(init_weights)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for images, labels in []:
    loss = criterion(model(images), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
