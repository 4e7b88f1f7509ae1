"""A model zoo on PYTHONPATH, outside the project: its registry is filled in a loop."""

from torch import nn

ZOO = {}
for width in range(4, 20, 4):
    ZOO[f"tiny{width}"] = width


def create(name):
    width = ZOO[name]
    return nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.ReLU(), nn.Conv2d(width, 3, 3, padding=1))
