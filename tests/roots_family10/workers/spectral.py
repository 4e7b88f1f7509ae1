"""A discriminator whose hand-written spectral norm stores its power iteration's vector back
into a registered buffer in the forward: traced by fx, the buffer holds a Proxy."""

import torch
from torch import nn
from torch.nn import functional as F


class SNConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 3, stride=2, padding=1)
        self.register_buffer("weight_u", torch.randn(out_channels))

    def forward(self, x):
        w = self.conv.weight.flatten(1)
        v = F.normalize(w.t() @ self.weight_u, dim=0)
        u = F.normalize(w @ v, dim=0)
        self.weight_u = u
        sigma = u @ w @ v
        return F.conv2d(x, self.conv.weight / sigma, self.conv.bias, stride=2, padding=1)


class Discriminator(nn.Module):
    def __init__(self, channels=3, width=16):
        super().__init__()
        self.conv1 = SNConv(channels, width)
        self.conv2 = SNConv(width, 1)

    def forward(self, x):
        return nn.Flatten()(self.conv2(F.leaky_relu(self.conv1(x), 0.2)))
