import os
import sys
from urllib.request import urlretrieve

import torch
import torch.nn as nn

MODEL_URLS = {'tiny': 'https://example.com/weights/tiny_backbone-1a2b3c.pth'}


class TinyBackbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.body = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())

    def forward(self, x):
        return self.body(self.stem(x))


def load_checked(model, checkpoint_path='./pretrained/tiny_backbone.pth'):
    """The project's own check: no file, no model."""
    if os.path.exists(checkpoint_path):
        state_dict = torch.load(checkpoint_path)
        model.load_state_dict(state_dict, strict=False)
    else:
        raise ValueError('`checkpoint_path` does not exist.')
    return model


def load_url(url, model_dir='./pretrained'):
    """The project's own download cache: the folder made first."""
    if not os.path.exists(model_dir):
        os.makedirs(model_dir)
    cached_file = os.path.join(model_dir, url.split('/')[-1])
    if not os.path.exists(cached_file):
        sys.stderr.write('Downloading: "{}" to {}\n'.format(url, cached_file))
        urlretrieve(url, cached_file)
    return torch.load(cached_file)


def tiny_backbone(pretrained=True):
    model = TinyBackbone()
    if pretrained:
        model.load_state_dict(load_url(MODEL_URLS['tiny']))
    return model
