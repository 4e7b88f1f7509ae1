"""Backbones a model names by a string (``getattr(tiny_backbones, arch)``)."""
from torch import nn


def _trunk(width, use_norm):
    norm = nn.BatchNorm2d(width) if use_norm else nn.Identity()
    return nn.Sequential(nn.Conv2d(3, width, 3, padding=1, bias=not use_norm), norm, nn.ReLU(inplace=True))


def trunk_small(pretrained=False, bn=False):
    return _trunk(32, bn)


def trunk_large(pretrained=False, bn=False):
    return _trunk(64, bn)
