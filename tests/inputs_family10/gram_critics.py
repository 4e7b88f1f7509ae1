"""Style critics that read the Gram matrix of feature maps: a Linear takes the C×C matrix flattened,
so the input has √F channels, at any side."""

import torch
from torch import nn


def gram_matrix(features):
    b, c, h, w = features.size()
    flat = features.view(b, c, h * w)
    return torch.bmm(flat, flat.transpose(1, 2)) / (c * h * w)


class StyleLevelCritic(nn.Module):
    def __init__(self, channels=64):
        super().__init__()
        self.linear1 = nn.Sequential(nn.Linear(channels * channels, 128), nn.ReLU(), nn.Linear(128, 1))

    def forward(self, inputs, level=1):
        return self.linear1(gram_matrix(inputs).view(inputs.size(0), -1))


class GramStyleEmbedder(nn.Module):
    def __init__(self, channels=32, dim=16):
        super().__init__()
        self.embed = nn.Linear(channels * channels, dim)

    def gram(self, x):
        b, c = x.shape[:2]
        flat = x.flatten(2)
        return flat @ flat.transpose(1, 2) / flat.shape[-1]

    def forward(self, feats):
        return self.embed(self.gram(feats).flatten(1))
