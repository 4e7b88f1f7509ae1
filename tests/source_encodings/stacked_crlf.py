# coding: latin-1
# Réseau empilé
import torch
from torch import nn

from blocks_bom import ConvUnit


class StackedNet(nn.Module):
    """Deux unités « ConvUnit »."""

    def __init__(self, channels):
        super().__init__()
        self.body = nn.Sequential(ConvUnit(3, channels), ConvUnit(channels, channels))
        self.head = nn.Linear(channels, 10)

    def forward(self, x):
        return self.head(self.body(x).mean(dim=(2, 3)))
