import torch.nn as tnn

from .layers import ConvBlock


class Generator(tnn.Module):
    """Image in, image out, with BatchNorm: NL201 should report it."""

    def __init__(self, channels=3, width=16):
        super().__init__()
        self.body = tnn.Sequential(ConvBlock(channels, width), ConvBlock(width, width))
        self.out = tnn.Conv2d(width, channels, 3, padding=1)

    def forward(self, x):
        return self.out(self.body(x)).tanh()


class Discriminator(tnn.Module):
    def __init__(self, channels=3, width=16):
        super().__init__()
        self.body = tnn.Sequential(ConvBlock(channels, width, norm=tnn.InstanceNorm2d),
                                   tnn.Conv2d(width, 1, 4, stride=2, padding=1))

    def forward(self, x):
        return self.body(x)
