# Broke: netlint exits 0 or 1 with no error
# forward failed in m2 at input 1×4 (inferred from m1 BatchNorm1d(4)): RuntimeError: Invalid
# channel dimensions (BatchNorm1d reads (N, C) and (N, C, L); the Conv1d after it says which).
import torch
import torch.nn.functional as F
from torch import nn


class Fuzz(nn.Module):
    def __init__(self):
        super().__init__()
        self.m1 = nn.BatchNorm1d(4)
        self.m2 = nn.Conv1d(4, 10, 3, stride=1, padding=0, dilation=1, groups=1, bias=False)
        self.m3 = nn.Upsample(scale_factor=2, mode='nearest')
        self.m4 = nn.BatchNorm1d(10)
        self.m5 = nn.ReLU()

    def forward(self, x):
        x = self.m1(x)
        x = self.m2(x)
        x = self.m3(x)
        x = self.m4(x)
        x = self.m5(x)
        return x
