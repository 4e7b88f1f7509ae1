"""A super-resolution network given a tuple: the low-resolution image and its upscaled copy (bicubic),
which the output adds to: the copy is the constructor's scale times the image's side."""

import torch
from torch import nn


class ResidualUpscaler(nn.Module):
    def __init__(self, color_channels=3, up_scale=2, features=32):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(color_channels, features, 3, padding=1), nn.SELU())
        self.upsample = nn.Sequential(nn.Conv2d(features, color_channels * up_scale ** 2, 3, padding=1),
                                      nn.PixelShuffle(up_scale))

    def forward(self, x):
        lr, lr_up = x
        return self.upsample(self.features(lr)) + lr_up


class BicubicResidualUpscaler(nn.Module):
    def __init__(self, scale=3):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 27, 3, padding=1), nn.PixelShuffle(scale))

    def forward(self, inputs):
        lr, bic = inputs
        return torch.clamp(self.body(lr) + bic, 0, 1)
