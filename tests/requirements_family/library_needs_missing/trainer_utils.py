"""The same library module, imported as a module and inside a block."""

import torch.nn as nn
import torch.utils.tensorboard as tensorboard_utils

if True:
    from torch.utils import tensorboard


class Scorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))


def writer(folder):
    return tensorboard_utils.SummaryWriter(folder), tensorboard.SummaryWriter
