"""A weight-init loop that asks isinstance of a class from a package that is not installed:
nothing is an instance of a class that is not there, so the model builds and is linted."""

from sync_batchnorm import SynchronizedBatchNorm2d
from torch import nn


class Refiner(nn.Module):
    def __init__(self, width=8):
        super().__init__()
        self.conv = nn.Conv2d(3, width, 3, padding=1)
        self.norm = nn.InstanceNorm2d(width, affine=True)
        self.out = nn.Conv2d(width, 3, 3, padding=1)
        for m in self.modules():
            if isinstance(m, (nn.BatchNorm2d, SynchronizedBatchNorm2d)):
                nn.init.ones_(m.weight)

    def forward(self, x):
        return self.out(self.norm(self.conv(x)).relu())
