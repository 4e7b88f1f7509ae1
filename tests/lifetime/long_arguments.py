"""A tagger configured by long lists, as its skip message suggests naming it on the command
line: `long_arguments.py::Tagger(3, widths=[...], names=[...])`."""

from torch import nn


class Tagger(nn.Module):
    def __init__(self, in_channels, widths, names):
        super().__init__()
        layers, channels = [], in_channels
        for width in widths:
            layers += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU()]
            channels = width
        self.features = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Linear(channels, len(names))
        self.names = list(names)

    def forward(self, x):
        return self.head(self.features(x))
