"""The project's own download cache for pretrained weights (make the cache folder under
$TORCH_HOME, download there unless present, then torch.load)."""

import os

import torch
import torch.nn as nn
from torch.hub import download_url_to_file

VGG_URL = "https://example.org/models/vgg_reducedfc.pth"


def cache_url(url):
    folder = os.path.join(os.path.expanduser(os.getenv("TORCH_HOME", "~/.torch")), "models")
    if not os.path.exists(folder):
        os.makedirs(folder)
    cached = os.path.join(folder, os.path.basename(url))
    if not os.path.exists(cached):
        download_url_to_file(url, cached)
    return cached


class Backbone(nn.Module):
    def __init__(self, pretrained=True):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                                      nn.Conv2d(16, 16, 3, padding=1))
        if pretrained:
            self.features.load_state_dict(torch.load(cache_url(VGG_URL), map_location="cpu"))

    def forward(self, x):
        return self.features(x)
