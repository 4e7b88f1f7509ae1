"""Weights kept as numpy files next to the code (not shipped): a dict pickled in a 0-d array,
read with [()], .item() or .tolist(), then copied parameter by parameter."""

import os
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(__file__)


class Flatten(nn.Module):
    def forward(self, x):
        return x.transpose(3, 2).contiguous().view(x.size(0), -1)


class ProposalNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(3, 10, 3)), ("prelu1", nn.PReLU(10)), ("pool1", nn.MaxPool2d(2, 2, ceil_mode=True)),
            ("conv2", nn.Conv2d(10, 16, 3)), ("prelu2", nn.PReLU(16)),
        ]))
        self.score = nn.Conv2d(16, 2, 1)
        weights = np.load(os.path.join(HERE, "weights", "pnet.npy"), allow_pickle=True)[()]
        for name, p in self.named_parameters():
            p.data = torch.FloatTensor(weights[name])

    def forward(self, x):
        return self.score(self.features(x))


class RefineNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 28, 3), nn.PReLU(28), nn.MaxPool2d(3, 2, ceil_mode=True),
                                      nn.Conv2d(28, 48, 3), nn.PReLU(48))
        self.box = nn.Conv2d(48, 4, 1)
        weights = np.load(os.path.join(HERE, "weights", "rnet.npy"), allow_pickle=True).item()
        for name, p in self.named_parameters():
            p.data.copy_(torch.as_tensor(weights[name]))

    def forward(self, x):
        return self.box(self.features(x))


class OutputNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 32, 3), nn.PReLU(32), nn.Conv2d(32, 2, 1))
        state = np.load(os.path.join(HERE, "weights", "onet.npy"), allow_pickle=True).tolist()
        self.load_state_dict({k: torch.from_numpy(np.asarray(v)) if isinstance(v, np.ndarray) else v
                              for k, v in state.items()})

    def forward(self, x):
        return self.body(x)
