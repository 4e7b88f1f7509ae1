"""A clip the forward renames before it unpacks its size, then folds its frames onto the channels and
deblurs frame by frame at three scales."""

import torch
from torch import nn
from torch.nn import functional as F


class ScaleRecurrentDeblurrer(nn.Module):
    def __init__(self, features=16):
        super().__init__()
        self.encode = nn.Sequential(nn.Conv2d(3 + 3, features, 5, padding=2), nn.ReLU())
        self.decode = nn.Conv2d(features, 3, 5, padding=2)

    def _step(self, blurred, previous):
        return self.decode(self.encode(torch.cat([blurred, previous], dim=1)))

    def forward(self, x):
        frames = x
        B, N, C, H, W = frames.shape
        frames = frames.reshape(B, N * C, H, W)
        coarse = F.interpolate(frames, size=(H // 2, W // 2), mode="bilinear", align_corners=False)
        outputs = []
        for i in range(N):
            small = coarse[:, i * C:(i + 1) * C]
            restored = self._step(small, small.detach())
            up = F.interpolate(restored, scale_factor=2, mode="bilinear", align_corners=False)
            outputs.append(self._step(frames[:, i * C:(i + 1) * C], up).unsqueeze(1))
        return torch.cat(outputs, dim=1)
