"""Forwards that take a Python flag beside their images: it picks a branch, it is not an image."""

import torch
from torch import nn


class EdgeAwareCritic(nn.Module):
    def __init__(self, in_channels=3, edge_channels=1):
        super().__init__()
        self.texture = nn.Sequential(nn.Conv2d(in_channels, 32, 4, 2, 1), nn.LeakyReLU(0.2),
                                     nn.Conv2d(32, 1, 4, 2, 1))
        self.edges = nn.Sequential(nn.Conv2d(in_channels, edge_channels, 3, padding=1), nn.Sigmoid())
        self.structure = nn.Sequential(nn.Conv2d(edge_channels + 1, 32, 4, 2, 1), nn.LeakyReLU(0.2),
                                       nn.Conv2d(32, 1, 4, 2, 1))

    def forward(self, output, gray_image, edge, is_real):
        if is_real == True:  # noqa: E712 (as written in the wild)
            structure = self.structure(torch.cat((edge, gray_image[:, :1]), dim=1))
        else:
            structure = self.structure(torch.cat((self.edges(output), gray_image[:, :1]), dim=1))
        return self.texture(output), structure


class FeatureClassifier(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                                      nn.Flatten())
        self.fc = nn.Linear(16, classes)

    def forward(self, image, return_feat):
        feat = self.features(image)
        logits = self.fc(feat)
        return (logits, feat) if return_feat else logits
