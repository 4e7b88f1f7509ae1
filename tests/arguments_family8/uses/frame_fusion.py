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

    def forward(self, x):
        return x + self.conv2(self.act(self.conv1(x)))


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
