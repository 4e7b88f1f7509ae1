# Broke: after --fix, params = before + the fixed findings' params_delta
# 29 + [0] != 33: NL301's fix widens the kernel 3 → 4 (+4 parameters), but the fixed finding
# reported the delta of the fix it suggests first (an upsampling, the same parameters).
import torch
import torch.nn.functional as F
from torch import nn


class Fuzz(nn.Module):
    def __init__(self):
        super().__init__()
        self.m1 = nn.ConvTranspose1d(2, 2, 3, stride=2, padding=0, output_padding=1)
        self.m2 = nn.AdaptiveAvgPool1d(1)
        self.m3 = nn.Flatten()
        self.m4 = nn.Linear(2, 5)

    def forward(self, x):
        x = self.m1(x)
        x = self.m2(x)
        x = self.m3(x)
        x = self.m4(x)
        return x
