"""A matting network (image and trimap in, alpha matte out) named for its U-Net decoder, whose
encoder's first convolution gets ``stride = 1`` (an int) after it is built: analyzed, and a
dense prediction (no NL201 on its BatchNorm)."""

from functools import partial

import torch
from torch import nn


def conv_bn(inp, oup, stride):
    return nn.Sequential(nn.Conv2d(inp, oup, 3, stride, 1, bias=False), nn.BatchNorm2d(oup), nn.ReLU6(inplace=True))


class MobileNetV2UNetDecoder(nn.Module):
    def __init__(self, width=16):
        super().__init__()
        self.layer0 = conv_bn(4, width, 2)
        self.layer0.apply(partial(self._stride, stride=1))
        self.layer1 = conv_bn(width, width * 2, 2)
        self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.pred = nn.Conv2d(width * 3, 1, 3, padding=1)

    def _stride(self, m, stride):
        if m.__class__.__name__.find("Conv") != -1 and m.kernel_size == (3, 3):
            m.stride = stride

    def forward(self, x):
        l0 = self.layer0(x)
        l1 = self.up(self.layer1(l0))
        return torch.sigmoid(self.pred(torch.cat([l0, l1], 1)))
