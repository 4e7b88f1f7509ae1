import torch
from torch import nn
from torch.nn import functional as F


class DepthNet(nn.Module):
    """A depth decoder over an encoder the caller builds and passes in."""

    def __init__(self, Encoder, num_features, block_channel):
        super().__init__()
        self.E = Encoder
        self.fuse = nn.Conv2d(block_channel[0] + block_channel[1], num_features, 1)
        self.head = nn.Sequential(nn.Conv2d(num_features, num_features, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(num_features), nn.ReLU(), nn.Conv2d(num_features, 1, 3, padding=1))

    def forward(self, x):
        x0, x1 = self.E(x)
        fused = self.fuse(torch.cat([x0, F.interpolate(x1, size=x0.shape[-2:])], 1))
        return F.interpolate(self.head(fused), size=x.shape[-2:])
