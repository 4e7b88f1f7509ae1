"""A file the scan already imports for one model, with another model on a zoo's class."""

import backbones
from torch import nn


class Plain(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        return self.conv(x)


class OnZoo(backbones.Backbone):
    pass
