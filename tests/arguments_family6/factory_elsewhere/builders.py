import torch.nn as nn

from heads import MultiHead, Tap, TappedHead


def create_multi_head(num_classes, width=16):
    backbone = nn.Sequential(nn.Conv2d(3, width, 3, stride=2, padding=1), nn.ReLU(),
                             nn.AdaptiveAvgPool2d(1), nn.Flatten())
    heads = nn.ModuleList([nn.Linear(width, num_classes) for _ in range(2)])
    return MultiHead(num_classes, backbone, heads)


def create_tapped(num_classes):
    return TappedHead(num_classes, [Tap(1, 'relu'), 2])
