"""A video model given its block class and how many frames go in and come out."""
import torch
from torch import nn


class PlainBlock(nn.Module):
    def __init__(self, width, out_width, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(width, out_width, 3, stride, 1)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(self.conv(x))


class ResidualBlock(nn.Module):
    expansion = 1

    def __init__(self, width, out_width, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(width, out_width, 3, stride, 1)
        self.act = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_width, out_width, 3, 1, 1)
        self.skip = nn.Identity() if width == out_width and stride == 1 else nn.Conv2d(width, out_width, 1, stride)

    def forward(self, x):
        return self.skip(x) + self.conv2(self.act(self.conv1(x)))


class FrameFusion(nn.Module):
    def __init__(self, block, n_inputs, n_outputs, join="concat"):
        super().__init__()
        out_channels = 3 * n_outputs
        self.join = join
        self.head = nn.Conv2d(3 * n_inputs, 64, 3, padding=1)
        self.body = nn.Sequential(block(64, 64 * block.expansion), block(64 * block.expansion, 64))
        self.tail = nn.Conv2d(64, out_channels, 3, padding=1)

    def forward(self, frames):
        return self.tail(self.body(self.head(frames)))


class LayeredNet(nn.Module):
    """Its block class reaches the call through a method (``self._stage(block, ...)``)."""

    def __init__(self, block, stage_sizes):
        super().__init__()
        self.width = 16
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.stages = nn.Sequential(*[self._stage(block, 16 * 2 ** i, n) for i, n in enumerate(stage_sizes)])
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(self.width, 10)

    def _stage(self, unit, width, count):
        layers = [unit(self.width, width * unit.expansion)]
        self.width = width * unit.expansion
        layers += [unit(self.width, self.width) for _ in range(1, count)]
        return nn.Sequential(*layers)

    def forward(self, x):
        return self.fc(self.pool(self.stages(self.stem(x))).flatten(1))
