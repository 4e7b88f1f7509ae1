# Broke: netlint exits 0 or 1 with no error
# forward failed in m2 at input 1×2×256×256: "Given normalized_shape=[4, 32, 32], expected input
# with shape [4, 32, 32]" was not taken for a size error, so the other image sides were not tried.
import torch
import torch.nn.functional as F
from torch import nn


class Fuzz(nn.Module):
    def __init__(self):
        super().__init__()
        self.m1 = nn.Conv2d(2, 4, 3, padding=1)
        self.m2 = nn.LayerNorm([4, 32, 32])

    def forward(self, x):
        return self.m2(self.m1(x))
