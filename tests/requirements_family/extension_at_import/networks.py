"""A discriminator on the compiled op, and a network of the same file that does not use it."""

import torch.nn as nn

from op import FusedLeakyReLU


class StyleDiscriminator(nn.Module):
    def __init__(self, channels=32):
        super().__init__()
        self.conv = nn.Conv2d(3, channels, 3, padding=1)
        self.act = FusedLeakyReLU(channels)
        self.down = nn.Conv2d(channels, channels, 4, stride=2, padding=1)
        self.head = nn.Linear(channels, 1)

    def forward(self, x):
        x = self.down(self.act(self.conv(x)))
        return self.head(x.mean((2, 3)))


class PlainEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.LeakyReLU(0.2), nn.Conv2d(16, 16, 3, padding=1))

    def forward(self, x):
        return self.body(x)
