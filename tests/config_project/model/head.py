import torch.nn as nn


class Block(nn.Module):
    def __init__(self, channels, cfg):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, cfg["kernel"], padding=cfg["kernel"] // 2)

    def forward(self, x):
        return self.conv(x)


class Head(nn.Module):
    """Reads params['hidden'] and passes params['block'] on: its section is [head]."""

    def __init__(self, params):
        super().__init__()
        self.inp = nn.Conv2d(3, params["hidden"], 1)
        self.block = Block(params["hidden"], params["block"])
        self.out = nn.Conv2d(params["hidden"], 3, 1)

    def forward(self, x):
        return self.out(self.block(self.inp(x)))
