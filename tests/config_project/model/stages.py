import torch.nn as nn


class Stages(nn.Module):
    """cfg is a list of widths indexed by number: not a configuration file's."""

    def __init__(self, cfg):
        super().__init__()
        self.first = nn.Conv2d(3, cfg[0], 3, padding=1)
        self.rest = nn.Sequential(*[nn.Conv2d(a, b, 3, padding=1) for a, b in zip(cfg, cfg[1:])])

    def forward(self, x):
        return self.rest(self.first(x))
