"""Stage widths read with .tolist(), a window index made with numpy from a tensor, kept as a buffer."""
import numpy as np
import torch
from torch import nn


class WindowStages(nn.Module):
    def __init__(self, base=96, stages=4, window=7, classes=100):
        super().__init__()
        widths = (torch.tensor([1.0, 2.0, 4.0, 8.0])[:stages] * base).long().tolist()
        coords = np.stack(np.meshgrid(np.arange(window), np.arange(window), indexing="ij")).reshape(2, -1)
        relative = torch.arange(window * window).view(window, window).numpy()
        self.register_buffer("window_index", torch.from_numpy(coords[0] * window + coords[1] + 0 * relative.ravel()))
        layers, channels = [], 3
        for width in widths:
            layers += [nn.Conv2d(channels, width, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
            channels = width
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(channels, classes)

    def forward(self, x):
        return self.head(self.features(x).mean((2, 3)))
