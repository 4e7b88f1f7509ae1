# Broke: netlint exits 0 or 1 with no error
# forward failed in m4 at input 1×4 (inferred from m1 BatchNorm1d(4)): RuntimeError: a and b must have
# same reduction dim (BatchNorm1d reads (N, C) and (N, C, L); the AdaptiveAvgPool1d after it says which).
import torch
import torch.nn.functional as F
from torch import nn


class Fuzz(nn.Module):
    def __init__(self):
        super().__init__()
        self.m1 = nn.BatchNorm1d(4)
        self.m2 = nn.AdaptiveAvgPool1d(1)
        self.m3 = nn.Flatten()
        self.m4 = nn.Linear(4, 6)

    def forward(self, x):
        x = self.m1(x)
        x = self.m2(x)
        x = self.m3(x)
        x = self.m4(x)
        return {"out": x}
