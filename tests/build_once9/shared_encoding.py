"""CoaT-style: the blocks of a stage share one convolutional position encoding (the same module
under two names). fx's graph and the eager forward name it differently: the same calls."""
import torch
from torch import nn


class ConvPositionEncoding(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Conv2d(dim, dim, 3, padding=1, groups=dim)

    def forward(self, x):
        return x + self.proj(x)


class Block(nn.Module):
    def __init__(self, dim, encoding):
        super().__init__()
        self.encoding = encoding
        self.mlp = nn.Sequential(nn.Conv2d(dim, dim * 2, 1), nn.GELU(), nn.Conv2d(dim * 2, dim, 1))

    def forward(self, x):
        x = self.encoding(x)
        return x + self.mlp(x)


class SharedEncodingNet(nn.Module):
    def __init__(self, dim=32, depth=3, classes=10):
        super().__init__()
        self.stem = nn.Conv2d(3, dim, 4, stride=4)
        self.encoding = ConvPositionEncoding(dim)
        self.blocks = nn.Sequential(*[Block(dim, self.encoding) for _ in range(depth)])
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)).mean((2, 3)))
