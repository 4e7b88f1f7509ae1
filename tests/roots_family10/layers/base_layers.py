"""A library of layers no network of the project uses yet."""

from torch import nn


class ResConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.bn = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        return x + self.bn(self.conv(x))


class GatedConv2d(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.feature = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.gate = nn.Conv2d(in_channels, out_channels, 3, padding=1)

    def forward(self, x):
        return self.feature(x) * self.gate(x).sigmoid()
