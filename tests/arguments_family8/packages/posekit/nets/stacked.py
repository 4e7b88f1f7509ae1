"""A small stacked keypoint network, imported as posekit.nets.stacked."""
import torch.nn as nn

from ..tools import heatmap_peaks

__all__ = ["StackedKeypointNet"]


class StackedKeypointNet(nn.Module):
    def __init__(self, num_joints=8, width=32):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, width, 7, 2, 3), nn.ReLU(inplace=True),
                                  nn.Conv2d(width, width, 3, 2, 1), nn.ReLU(inplace=True))
        self.head = nn.Conv2d(width, num_joints, 1)
        self.peaks = heatmap_peaks

    def forward(self, x):
        return self.head(self.stem(x))
