"""An installed library's module that fails for its own missing dependency
(torch.utils.tensorboard without the tensorboard package): only the training log uses it."""

import torch
import torch.nn as nn
from torch.utils.tensorboard import SummaryWriter


def training_log(folder):
    return SummaryWriter(folder)


class Harmonizer(nn.Module):
    def __init__(self, channels=16):
        super().__init__()
        self.encode = nn.Conv2d(4, channels, 3, padding=1)
        self.norm = nn.BatchNorm2d(channels)
        self.decode = nn.Conv2d(channels, 3, 3, padding=1)

    def forward(self, image, mask):
        x = torch.cat([image, mask], 1)
        return self.decode(torch.relu(self.norm(self.encode(x))))


class LoggedRefiner(nn.Module):
    """Writes its own log while built: it really needs the module."""

    def __init__(self):
        super().__init__()
        self.writer = SummaryWriter("runs")
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        return self.conv(x)
