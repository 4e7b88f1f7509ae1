"""Inputs the forward first splits along the channels into sizes it states (RGB-D, image and
guidance): the input has their sum, whatever the first layer reads of one part."""

import torch
from torch import nn


class DepthAwareSegmenter(nn.Module):
    def __init__(self, classes=6):
        super().__init__()
        self.rgb = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU())
        self.depth = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU())
        self.classify = nn.Conv2d(32, classes, 1)

    def forward(self, x):
        rgb, depth = torch.split(x, [3, 1], dim=1)
        return self.classify(torch.cat([self.rgb(rgb), self.depth(depth)], 1))


class GuidedFilterNet(nn.Module):
    def __init__(self, image_channels=3, guide_channels=2, classes=4):
        super().__init__()
        self.image_channels, self.guide_channels = image_channels, guide_channels
        self.image = nn.Conv2d(image_channels, 16, 3, padding=1)
        self.guide = nn.Conv2d(guide_channels, 16, 3, padding=1)
        self.out = nn.Conv2d(16, classes, 1)

    def forward(self, inputs):
        image, guide = inputs.split([self.image_channels, self.guide_channels], 1)
        return self.out(torch.relu(self.image(image)) * torch.sigmoid(self.guide(guide)))
