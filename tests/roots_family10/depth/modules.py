"""A depth model's decoder, named D, that its model builds: a block, not a discriminator."""

import torch
from torch import nn
from torch.nn import functional as F


class D(nn.Module):
    def __init__(self, num_features=64):
        super().__init__()
        self.conv = nn.Conv2d(num_features, num_features // 2, 1, bias=False)
        self.bn = nn.BatchNorm2d(num_features // 2)
        self.out = nn.Conv2d(num_features // 2 + 3 * 16, 1, 3, padding=1)

    def forward(self, x_block1, x_block2, x_block3, x_block4):
        x = F.relu(self.bn(self.conv(x_block4)))
        size = x_block1.shape[-2:]
        x = F.interpolate(x, size=size)
        skips = [F.interpolate(b, size=size) for b in (x_block1, x_block2, x_block3)]
        return self.out(torch.cat([x, *skips], 1))
