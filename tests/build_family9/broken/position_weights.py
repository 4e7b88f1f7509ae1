"""A network whose forward multiplies its features by a matrix of a size its constructor fixed
wrongly: every image side fails alike on meta, so the forward is not run again on the CPU (it
prints when it is)."""
import torch
from torch import nn


class FixedProjection(nn.Module):
    def __init__(self, channels=8, depth=4):
        super().__init__()
        self.head = nn.Conv2d(3, channels, 3, padding=1)
        self.body = nn.Sequential(*[nn.Conv2d(channels, channels, 3, padding=1) for _ in range(depth)])
        self.projection = nn.Parameter(torch.zeros(5, 4))

    def forward(self, x):
        if x.device.type == "cpu":
            print("ran on the CPU")
        features = self.body(self.head(x))
        return features.flatten(2)[:, :, :7] @ self.projection
