"""A base network whose subclasses only choose its arguments (chosen by name in the scripts),
and a base that a script builds itself."""

from torch import nn


class BaseNet(nn.Module):
    def __init__(self, in_channels=1, out_channels=1, norm=True):
        super().__init__()
        norm_layer = nn.BatchNorm2d if norm else nn.Identity
        self.body = nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1), norm_layer(16), nn.ReLU(),
                                  nn.Conv2d(16, out_channels, 3, padding=1))

    def forward(self, x):
        return self.body(x)


class IlluminationNet(BaseNet):
    def __init__(self, in_channels=1, out_channels=1, norm=True):
        super().__init__(in_channels, out_channels, norm)


class NoiseNet(BaseNet):
    def __init__(self, in_channels=1, out_channels=1, norm=True):
        super().__init__(in_channels, out_channels, norm)
        self.scale = 0.5


class GeneratorBase(nn.Module):
    def __init__(self, channels=3):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return self.conv(x)


class WideGenerator(GeneratorBase):
    def __init__(self):
        super().__init__(channels=3)
