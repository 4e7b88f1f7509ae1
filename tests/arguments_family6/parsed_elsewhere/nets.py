import torch.nn as nn


class Regressor(nn.Module):
    """Built in main.py with a head from utils.parse_command()'s options and a size from a loader."""

    def __init__(self, depth, head, output_size, in_channels=3):
        super().__init__()
        width = {'wide': 16, 'slim': 8}[head]
        layers = [nn.Conv2d(in_channels, width, 3, padding=1), nn.ReLU()]
        for _ in range(depth - 1):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.ReLU()]
        self.body = nn.Sequential(*layers)
        self.out = nn.Conv2d(width, 1, 1)
        self.upsample = nn.Upsample(size=output_size)

    def forward(self, x):
        return self.upsample(self.out(self.body(x)))
