"""Denoisers whose depth is a bare letter: the constructor counts layers with it."""
import torch
from torch import nn
from torch.nn import functional as F


class PlainDenoiser(nn.Module):
    def __init__(self, D, C=64):
        super().__init__()
        self.D = D
        self.convs = nn.ModuleList([nn.Conv2d(3, C, 3, padding=1)])
        self.convs.extend([nn.Conv2d(C, C, 3, padding=1, bias=False) for _ in range(D)])
        self.convs.append(nn.Conv2d(C, 3, 3, padding=1))
        self.norms = nn.ModuleList([nn.BatchNorm2d(C) for _ in range(D)])

    def forward(self, x):
        h = F.relu(self.convs[0](x))
        for i in range(self.D):
            h = F.relu(self.norms[i](self.convs[i + 1](h)))
        return self.convs[self.D + 1](h) + x


class StackedDenoiser(nn.Module):
    def __init__(self, L):
        super().__init__()
        layers = [nn.Conv2d(3, 48, 3, padding=1), nn.ReLU()]
        layers += [nn.Conv2d(48, 48, 3, padding=1), nn.ReLU()] * 1
        self.stages = nn.Sequential(*[nn.Sequential(nn.Conv2d(48 if i else 3, 48, 3, padding=1), nn.ReLU())
                                      for i in range(L)])
        self.last = nn.Conv2d(48, 3, 3, padding=1)

    def forward(self, x):
        return x - self.last(self.stages(x))
