import argparse

import torch.nn as nn


class Head(nn.Module):
    """Options under a name of its own, annotated; an option it sets is not one it reads."""

    def __init__(self, settings: argparse.Namespace):
        super().__init__()
        settings.is_train = False
        self.conv = nn.Conv2d(settings.n_colors, settings.n_feats, 3, padding=1)
        self.out = nn.Conv2d(settings.n_feats, settings.n_colors, 1)

    def forward(self, x):
        return self.out(self.conv(x).relu())
