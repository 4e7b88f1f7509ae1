"""A patch discriminator, and a multi-scale one that builds it as a block."""

import torch.nn as nn


class Discriminator(nn.Module):
    def __init__(self, channels=32):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, channels, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
                                  nn.Conv2d(channels, 1, 4, padding=1))

    def forward(self, x):
        return self.body(x)


class MultiScaleDiscriminator(nn.Module):
    def __init__(self, scales=2):
        super().__init__()
        self.scales = nn.ModuleList([PatchScale() for _ in range(scales)])
        self.down = nn.AvgPool2d(3, stride=2, padding=1)

    def forward(self, x):
        outputs = []
        for scale in self.scales:
            outputs.append(scale(x))
            x = self.down(x)
        return outputs


class PatchScale(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 1, 4, stride=2, padding=1)

    def forward(self, x):
        return self.conv(x)
