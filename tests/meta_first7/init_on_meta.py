"""Depths read with .item() in the constructor; _init_weights then initializes every layer, and
a later normal_ overrides the stem's Kaiming init (NL314): the calls are the evidence."""
import torch
from torch import nn
from torch.nn.init import trunc_normal_


class InitNet(nn.Module):
    def __init__(self, width=64, classes=10):
        super().__init__()
        depth = int(torch.tensor([2.0, 3.0]).sum().item())
        self.stem = nn.Conv2d(3, width, 3, padding=1)
        self.body = nn.Sequential(*[nn.Sequential(nn.Conv2d(width, width, 3, padding=1, bias=False),
                                                  nn.BatchNorm2d(width), nn.ReLU()) for _ in range(depth)])
        self.head = nn.Linear(width, classes)
        self.apply(self._init_weights)
        nn.init.normal_(self.stem.weight, 0.0, 0.02)

    def _init_weights(self, m):
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(m, nn.Linear):
            trunc_normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.head(self.body(torch.relu(self.stem(x))).mean((2, 3)))
