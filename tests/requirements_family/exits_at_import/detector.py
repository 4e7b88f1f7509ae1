"""A detector whose post-processing module exits at import, and gates of its own that exit."""

import torch
import torch.nn as nn

from postprocess import nms

if torch.cuda.device_count() < 1:
    exit("a GPU is required")

if not torch.cuda.is_available():
    raise SystemExit(1)

if torch.cuda.device_count() == 0:
    quit()


class BoxHead(nn.Module):
    def __init__(self, num_classes=21):
        super().__init__()
        self.trunk = nn.Sequential(nn.Conv2d(3, 32, 3, stride=2, padding=1), nn.ReLU(),
                                   nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU())
        self.cls = nn.Conv2d(64, num_classes * 4, 3, padding=1)
        self.reg = nn.Conv2d(64, 4 * 4, 3, padding=1)

    def forward(self, x):
        f = self.trunk(x)
        return self.cls(f), self.reg(f)
