"""A bilateral-grid enhancer given its options as a dict (``params['grid_depth']``),
passed on whole to its blocks."""

import torch
from torch import nn


class GuideMap(nn.Module):
    def __init__(self, params=None):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, params['guide_width'], 1), nn.ReLU(),
                                  nn.Conv2d(params['guide_width'], 1, 1), nn.Sigmoid())

    def forward(self, x):
        return self.body(x)


class GridPredictor(nn.Module):
    def __init__(self, params=None):
        super().__init__()
        self.params = params
        depth = params['grid_depth']
        width = params['feature_multiplier'] * depth
        self.features = nn.Sequential(nn.Conv2d(3, width, 3, stride=2, padding=1), nn.ReLU(),
                                      nn.Conv2d(width, width, 3, stride=2, padding=1), nn.ReLU())
        self.out = nn.Conv2d(width, 12, 1)

    def forward(self, x):
        return self.out(self.features(x))


class GridEnhancer(nn.Module):
    def __init__(self, params):
        super().__init__()
        self.guide = GuideMap(params=params)
        self.grid = GridPredictor(params)
        self.low_size = params['low_resolution']

    def forward(self, image):
        low = nn.functional.interpolate(image, size=(self.low_size, self.low_size))
        coefficients = nn.functional.interpolate(self.grid(low), size=image.shape[-2:])
        guide = self.guide(image)
        return image * coefficients[:, :3] * guide + coefficients[:, 3:6]
