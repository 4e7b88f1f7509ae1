"""Classes on a module that is not installed here (pretrainedmodels): netlint has a stand-in,
and cannot know whether they are nn.Modules."""

import pretrainedmodels
from torch import nn


class SEEncoder(pretrainedmodels.models.senet.SENet):
    """Defines a forward: a model of its own, which needs pretrainedmodels: an error naming it."""

    def __init__(self):
        super().__init__(block=None, layers=[3, 4, 6, 3], groups=64, reduction=16)

    def forward(self, x):
        return self.features(x)


class SEMixin(pretrainedmodels.models.senet.SEModule):
    """No forward of its own: not an error, said so in the list of classes that are no models."""


class Fine(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        return self.conv(x)
