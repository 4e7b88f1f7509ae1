"""Written for torch 1.x: torch._six is gone from torch 2. The installed torch imports, and
netlint stands in for the submodule it no longer has; the model uses it, so it is one error
naming it."""

from torch._six import container_abcs
from torch import nn


class Pyramid(nn.Module):
    def __init__(self, scales=(1, 2, 4)):
        super().__init__()
        assert isinstance(scales, container_abcs.Sequence)
        self.convs = nn.ModuleList(nn.Conv2d(3, 3, 3, padding=s, dilation=s) for s in scales)

    def forward(self, x):
        return sum(conv(x) for conv in self.convs)
