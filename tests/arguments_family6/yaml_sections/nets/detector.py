import torch.nn as nn


class PointDetector(nn.Module):
    """Keypoint heatmaps: built only as run.py does, from two sections of a YAML file."""

    def __init__(self, width, temperature, in_channels, n_points):
        super().__init__()
        self.temperature = temperature
        self.features = nn.Sequential(nn.Conv2d(in_channels, width, 3, padding=1), nn.ReLU())
        self.heatmaps = nn.Conv2d(width, n_points, 1)

    def forward(self, x):
        heatmaps = self.heatmaps(self.features(x)) / self.temperature
        return heatmaps.flatten(2).mean(-1)
