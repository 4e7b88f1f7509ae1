"""A detector in a folder without __init__.py that imports its sibling relatively."""
from torch import nn

from .necks import Neck


class BoxDetector(nn.Module):
    def __init__(self, num_anchors=3, num_classes=5):
        super().__init__()
        self.neck = Neck(32)
        self.boxes = nn.Conv2d(32, num_anchors * (num_classes + 5), 1)

    def forward(self, x):
        return self.boxes(self.neck(x))
