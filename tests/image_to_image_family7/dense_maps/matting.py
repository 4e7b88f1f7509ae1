"""Precision: background matting. The forward takes the image, the captured background, a
segmentation and a stack of motion frames, and returns the alpha matte (1 channel) and the
foreground: a dense prediction, though the segmentation input has the alpha's one channel."""

import torch
from torch import nn


def encoder(cin):
    return nn.Sequential(nn.Conv2d(cin, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(True))


class ConditionedResnet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc_image, self.enc_back, self.enc_seg, self.enc_multi = encoder(3), encoder(3), encoder(1), encoder(4)
        self.merge = nn.Sequential(nn.Conv2d(64, 32, 1), nn.BatchNorm2d(32), nn.ReLU(True))
        self.alpha = nn.Sequential(nn.Conv2d(32, 1, 3, padding=1), nn.Tanh())
        self.foreground = nn.Conv2d(32, 3, 3, padding=1)

    def forward(self, image, back, seg, multi):
        x = torch.cat([self.enc_image(image), self.enc_back(back), self.enc_seg(seg), self.enc_multi(multi)], 1)
        x = self.merge(x)
        return self.alpha(x), self.foreground(x)


class GuidedDepthUpsampler(nn.Module):
    """A depth map refined with the colour image's guidance: depth from depth, image-to-image."""

    def __init__(self):
        super().__init__()
        self.guide = nn.Conv2d(3, 16, 3, padding=1)
        self.depth = nn.Conv2d(1, 16, 3, padding=1)
        self.norm = nn.BatchNorm2d(32)  # expect: NL201
        self.out = nn.Conv2d(32, 1, 3, padding=1)

    def forward(self, rgb, depth):
        return self.out(torch.relu(self.norm(torch.cat([self.guide(rgb), self.depth(depth)], 1))))
