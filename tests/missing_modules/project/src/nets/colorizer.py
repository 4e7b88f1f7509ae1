"""A src layout: the scripts run from src/, so `models` and `settings` are the project's own."""

from torch import nn

import settings
from models.blocks import conv_block


class Colorizer(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(conv_block(1, settings.WIDTH), nn.Conv2d(settings.WIDTH, 2, 3, padding=1))

    def forward(self, x):
        return self.body(x)
