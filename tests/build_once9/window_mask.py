"""A shifted-window mask filled in place in a torch.zeros tensor whose values the constructor
reads (a tensor made from a size): built again with every small tensor on the CPU."""
import torch
from torch import nn


class ShiftedWindows(nn.Module):
    def __init__(self, side=8, window=4, shift=2, dim=32, classes=5):
        super().__init__()
        mask = torch.zeros(side, side)
        count = 0
        for rows in (slice(0, -window), slice(-window, -shift), slice(-shift, None)):
            for cols in (slice(0, -window), slice(-window, -shift), slice(-shift, None)):
                mask[rows, cols] = count
                count += 1
        self.regions = int(mask.max().item()) + 1
        self.embed = nn.Conv2d(3, dim, 4, stride=4)
        self.region_embedding = nn.Embedding(self.regions, dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        features = self.embed(x).mean((2, 3)) + self.region_embedding.weight.mean(0)
        return self.head(features)
