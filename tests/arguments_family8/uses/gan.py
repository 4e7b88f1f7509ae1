"""A DCGAN generator that says how many GPUs it may run on."""
import torch
from torch import nn


class Generator(nn.Module):
    def __init__(self, ngpu):
        super().__init__()
        self.ngpu = ngpu
        self.main = nn.Sequential(
            nn.ConvTranspose2d(100, 128, 3, 1, 0, bias=False), nn.BatchNorm2d(128), nn.ReLU(True),
            nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(True),
            nn.ConvTranspose2d(64, 3, 4, 2, 1, bias=False), nn.Tanh())

    def forward(self, z):
        if z.is_cuda and self.ngpu > 1:
            return nn.parallel.data_parallel(self.main, z, range(self.ngpu))
        return self.main(z)
