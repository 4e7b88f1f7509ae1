# Broke: fx-traceable models are captured by fx
# captured by modules: a GroupNorm reading the input said nothing about its shape (it takes
# (N, C, …) of any rank: the channels are its num_channels, the rank the next convolution's).
import torch
import torch.nn.functional as F
from torch import nn


class Fuzz(nn.Module):
    def __init__(self):
        super().__init__()
        self.m1 = nn.GroupNorm(2, 2)
        self.m2 = nn.Conv3d(2, 12, 5, stride=1, padding='same', dilation=1, groups=2, bias=False)
        self.m3 = nn.MaxPool3d(2)

    def forward(self, x):
        x = self.m1(x)
        x = self.m2(x)
        x = F.silu(x)
        x = self.m3(x)
        return x, x.mean()
