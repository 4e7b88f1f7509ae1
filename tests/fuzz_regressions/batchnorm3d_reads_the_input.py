# Broke: netlint exits 0 or 1 with no error
# forward failed in m1 at input 1×2×256×256 (inferred from m1 BatchNorm3d(2)): ValueError:
# expected 5D input (got 4D input): a 3-D norm reading the input was given a 2-D image.
import torch
import torch.nn.functional as F
from torch import nn


class Fuzz(nn.Module):
    def __init__(self):
        super().__init__()
        self.m1 = nn.BatchNorm3d(2)
        self.m2 = nn.Conv3d(2, 2, 1)
        self.m3 = nn.Conv3d(2, 2, 1, bias=False)
        self.m3.weight = self.m2.weight
        self.m4 = nn.Sequential(nn.Conv3d(2, 2, 3, padding=1, bias=False), nn.ReLU())
        self.m5 = nn.ConvTranspose3d(2, 4, 2, stride=1, padding=0, output_padding=0)
        self.m6 = nn.Sequential(nn.Conv3d(4, 4, 3, padding=1, bias=True), nn.BatchNorm3d(4))

    def forward(self, x):
        x = self.m1(x)
        x = self.m3(self.m2(x))
        x = x + self.m4(x)
        x = torch.relu(x)
        x = self.m5(x)
        x = x + self.m6(x)
        return x
