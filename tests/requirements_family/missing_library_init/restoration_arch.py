"""A BasicSR-style architecture file: a registry decorator, a logger and weight
initialization from a toolbox that is not installed here, and one network built from its layers."""

import torch
import torch.nn as nn
from restoration_toolbox.archs.arch_util import default_init_weights, trunc_normal_
from restoration_toolbox.archs.stylegan2_arch import ConvLayer
from restoration_toolbox.utils import get_root_logger
from restoration_toolbox.utils.registry import ARCH_REGISTRY

logger = get_root_logger()


@ARCH_REGISTRY.register()
class TinyRestorer(nn.Module):
    def __init__(self, channels=16):
        super().__init__()
        self.head = nn.Conv2d(3, channels, 3, padding=1)
        self.body = nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1), nn.LeakyReLU(0.2))
        self.tail = nn.Conv2d(channels, 3, 3, padding=1)
        self.pos = nn.Parameter(torch.zeros(1, channels, 1, 1))
        default_init_weights([self.head, self.body], scale=0.1)
        trunc_normal_(self.pos, std=0.02)

    def forward(self, x):
        return x + self.tail(self.body(self.head(x)) + self.pos)


@ARCH_REGISTRY.register()
class ToolboxDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = ConvLayer(3, 16, 3, downsample=True)
        self.head = nn.Linear(16, 1)

    def forward(self, x):
        return self.head(self.conv(x).mean((2, 3)))
