import torch.nn as nn


def _shuffle_tail(width, factor):
    return nn.Sequential(nn.Conv2d(width, 3 * factor * factor, 3, padding=1), nn.PixelShuffle(factor))


class UpsampleFactorNet(nn.Module):
    def __init__(self, n_resblocks, upsample_factor):
        super().__init__()
        self.head = nn.Conv2d(3, 8, 3, padding=1)
        self.body = nn.Sequential(*[m for _ in range(n_resblocks) for m in (nn.Conv2d(8, 8, 3, padding=1), nn.ReLU())])
        self.tail = _shuffle_tail(8, upsample_factor)

    def forward(self, x):
        return self.tail(self.body(self.head(x)))


class ZoomNet(nn.Module):
    def __init__(self, zoom):
        super().__init__()
        self.head = nn.Conv2d(3, 8, 3, padding=1)
        self.tail = _shuffle_tail(8, zoom)

    def forward(self, x):
        return self.tail(self.head(x))


class SrFactorNet(nn.Module):
    def __init__(self, sr_factor, up_scale):
        super().__init__()
        self.head = nn.Conv2d(3, 8, 3, padding=1)
        self.tail = nn.Sequential(_shuffle_tail(8, sr_factor), nn.Upsample(scale_factor=up_scale))

    def forward(self, x):
        return self.tail(self.head(x))
