import torch
import torch.nn as nn


class FrameGenerator(nn.Module):
    """A frame from a frame: built from a section held in a variable and the common one."""

    def __init__(self, width, n_down, occlusion, in_channels, n_points):
        super().__init__()
        self.occlusion = occlusion
        layers = [nn.Conv2d(in_channels + n_points, width, 3, padding=1), nn.ReLU()]
        for _ in range(n_down):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.ReLU()]
        self.body = nn.Sequential(*layers)
        self.out = nn.Conv2d(width, in_channels, 3, padding=1)
        self.n_points = n_points

    def forward(self, x):
        points = torch.zeros(x.shape[0], self.n_points, x.shape[2], x.shape[3], device=x.device, dtype=x.dtype)
        return torch.sigmoid(self.out(self.body(torch.cat([x, points], 1))))
