"""Two models; the refiner's forward iterates until a residual that never shrinks does."""

import torch
from torch import nn


class Refiner(nn.Module):
    def __init__(self):
        super().__init__()
        self.step = nn.Conv2d(3, 3, 3, padding=1)
        self.contraction = 1.0  # a bug: it should be below 1

    def forward(self, x):
        residual = 1.0
        while residual > 1e-3:
            residual = residual * self.contraction
        return x + self.step(x)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)

    def forward(self, x):
        return torch.relu(self.conv(x))
