"""Code written for Python 2 and an older numpy: sizes from / of two integers, np.float."""

import numpy as np
import torch
import torch.nn as nn


class ShuffleUnit(nn.Module):
    def __init__(self, in_planes=24, out_planes=200, groups=2):
        super().__init__()
        mid_planes = out_planes / 4
        self.conv1 = nn.Conv2d(in_planes, mid_planes, 1, groups=groups)
        self.conv2 = nn.Conv2d(mid_planes, out_planes, 3, padding=1)

    def forward(self, x):
        return self.conv2(torch.relu(self.conv1(x)))


class PositionalNet(nn.Module):
    def __init__(self, size=16):
        super().__init__()
        grid = np.zeros((size, size), dtype=np.float)
        self.register_buffer("grid", torch.from_numpy(grid))
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        return self.conv(x)


class TodaysNet(nn.Module):
    def __init__(self, out_planes=200):
        super().__init__()
        self.conv = nn.Conv2d(3, out_planes // 4, 3, padding=1)

    def forward(self, x):
        return self.conv(x)
