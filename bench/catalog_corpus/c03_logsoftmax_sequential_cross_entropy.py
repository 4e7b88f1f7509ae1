"""SO: nn.LogSoftmax at the end of an nn.Sequential, nn.CrossEntropyLoss()(...) inline."""
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Flatten(),
            nn.Linear(28 * 28, 256),
            nn.ReLU(),
            nn.Linear(256, 10),
            nn.LogSoftmax(dim=1),  # expect: NL306
        )

    def forward(self, x):
        return self.model(x)


mlp = MLP()
opt = torch.optim.SGD(mlp.parameters(), lr=0.1)
for data, target in []:
    output = mlp(data)
    loss = nn.CrossEntropyLoss()(output, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
