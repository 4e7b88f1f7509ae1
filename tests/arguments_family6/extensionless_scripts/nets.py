import torch.nn as nn


class SuperResolver(nn.Module):
    """Built only by the extensionless `train` script (Python 2), from its argparse default."""

    def __init__(self, depth_of_body, factor):
        super().__init__()
        self.head = nn.Conv2d(3, 16, 3, padding=1)
        blocks = [(nn.Conv2d(16, 16, 3, padding=1), nn.ReLU()) for _ in range(depth_of_body)]
        self.body = nn.Sequential(*[m for block in blocks for m in block])
        self.tail = nn.Sequential(nn.Conv2d(16, 3 * factor * factor, 3, padding=1), nn.PixelShuffle(factor))

    def forward(self, x):
        return self.tail(self.body(self.head(x)))


class Refiner(nn.Module):
    """Built only by the extensionless `evaluate` script, which has no #! line."""

    def __init__(self, trunk, mode_count):
        super().__init__()
        blocks = [(nn.Conv2d(3, 3, 3, padding=1), nn.ReLU()) for _ in range(trunk * mode_count)]
        self.layers = nn.Sequential(*[m for block in blocks for m in block])

    def forward(self, x):
        return self.layers(x)
