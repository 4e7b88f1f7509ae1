import torch.nn as nn


class Stem(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.conv = nn.Conv2d(cfg.MODEL.IN_CHANS, cfg.MODEL.WIDTH, 3, padding=1)

    def forward(self, x):
        return self.conv(x)


class Encoder(nn.Module):
    """yacs style: cfg.MODEL.X, also in the block it passes cfg to."""

    def __init__(self, cfg):
        super().__init__()
        self.stem = Stem(cfg)
        self.down = nn.Conv2d(cfg.MODEL.WIDTH, cfg.MODEL.WIDTH * 2, 3, stride=2, padding=1)

    def forward(self, x):
        return self.down(self.stem(x))
