"""Forwards that take a tensor or a dict of tensors (a collator's batch): reading the dict's keys
must not make the input a dict when the dict they are given lacks what the forward asserts."""

from typing import Dict, Union

import torch
from torch import nn


class PatchOrImageEncoder(nn.Module):
    """A dict needs coordinates the forward asserts; a plain image runs without them."""

    def __init__(self, dim: int = 64, classes: int = 10):
        super().__init__()
        self.embed = nn.Conv2d(3, dim, 16, stride=16)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x: Union[torch.Tensor, Dict[str, torch.Tensor]], coords=None):
        if isinstance(x, dict):
            patches = x["patches"]
            coords = x.get("coords", coords)
            assert coords is not None, "coords are required for a dict of patches"
            tokens = patches
        else:
            tokens = self.embed(x).flatten(2).transpose(1, 2)
        return self.head(self.norm(tokens).mean(1))


class BatchOrTensorSegmenter(nn.Module):
    """The dict's image is read through a submodule's forward; the mask key is checked with ``in``."""

    def __init__(self, classes: int = 5):
        super().__init__()
        self.stem = _Stem()
        self.classify = nn.Conv2d(32, classes, 1)

    def forward(self, batch):
        features = self.stem(batch)
        return self.classify(features)


class _Stem(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 32, 3, padding=1, bias=False)
        self.norm = nn.BatchNorm2d(32)

    def forward(self, batch):
        if isinstance(batch, dict):
            image = batch["image"] * batch["valid"]
            batch = image[:, :, ::2, ::2].repeat_interleave(2, -1)  # a layout the meta tensors refuse
        return torch.relu(self.norm(self.conv(batch)))
