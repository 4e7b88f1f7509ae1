"""Code written for an older torch: a transposed convolution given output_padding=False, an
autograd Function called as an instance with a non-static forward, a module name with a '.'."""

import torch
from torch import nn


class UpGenerator(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(3, 16, 4, stride=2, padding=1)
        self.up = nn.ConvTranspose2d(16, 3, 4, stride=2, padding=1, output_padding=False)

    def forward(self, x):
        return torch.tanh(self.up(torch.relu(self.down(x))))


class ScaleFunction(torch.autograd.Function):
    def forward(self, x):
        return x * 2

    def backward(self, grad):
        return grad * 2


class LegacyScaled(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        return ScaleFunction()(self.conv(x))


class DottedNames(nn.Module):
    def __init__(self):
        super().__init__()
        self.add_module("layer1.conv", nn.Conv2d(3, 3, 3, padding=1))

    def forward(self, x):
        return x
