"""Checkpoints a project expects on disk, read while its models are built, in every form:
none of these files exists, each model builds, each read is a weights request."""

import os
import pickle

import numpy as np
import torch
from torch import nn
from torch.utils import model_zoo
from torchvision.models import resnet18

WEIGHTS_DIR = "pretrained"


class PathLoaded(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = resnet18(num_classes=10)
        self.net.load_state_dict(torch.load(os.path.join(WEIGHTS_DIR, "resnet18.pth"), map_location="cpu"))

    def forward(self, x):
        return self.net(x)


class OpenedThenLoaded(nn.Module):
    def __init__(self, checkpoint="checkpoints/model_best.pth.tar"):
        super().__init__()
        self.net = resnet18(num_classes=10)
        f = open(checkpoint, "rb")
        self.net.load_state_dict(torch.load(f)["state_dict"])
        f.close()

    def forward(self, x):
        return self.net(x)


class WithOpen(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = resnet18(num_classes=10)
        with open("weights/backbone.pt", "rb") as handle:
            state = torch.load(handle, map_location=lambda storage, loc: storage)
        self.backbone.load_state_dict({k.replace("module.", ""): v for k, v in state.items()})

    def forward(self, x):
        return self.backbone(x)


class PickledWeights(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = resnet18(num_classes=10)
        self.net.load_state_dict(pickle.load(open("weights/resnet18.pkl", "rb")), strict=False)

    def forward(self, x):
        return self.net(x)


class NumpyWeights(nn.Module):
    def __init__(self, npy="vgg_weights.npy"):
        super().__init__()
        self.net = resnet18(num_classes=10)
        params = np.load(npy, allow_pickle=True, encoding="latin1").item()
        self.net.load_state_dict({k: torch.as_tensor(v) if not isinstance(v, torch.Tensor) else v
                                  for k, v in params.items()})

    def forward(self, x):
        return self.net(x)


class ZooWeights(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = resnet18(num_classes=1000)
        self.net.load_state_dict(model_zoo.load_url("https://example.org/resnet18-zoo.pth"))

    def forward(self, x):
        return self.net(x)


class HubWeights(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = resnet18(num_classes=1000)
        state = torch.hub.load_state_dict_from_url("https://example.org/resnet18-hub.pth", progress=False)
        self.net.load_state_dict(state)

    def forward(self, x):
        return self.net(x)


class Guarded(nn.Module):
    def __init__(self, path="weights/optional.pth"):
        super().__init__()
        self.net = resnet18(num_classes=10)
        if os.path.exists(path):
            self.net.load_state_dict(torch.load(path))

    def forward(self, x):
        return self.net(x)


class LabelsFile(nn.Module):
    """A file that is not a checkpoint, missing: an error naming it."""

    def __init__(self, labels="data/imagenet_labels.txt"):
        super().__init__()
        with open(labels) as f:
            names = [line.strip() for line in f]
        self.fc = nn.Linear(8, len(names))

    def forward(self, x):
        return self.fc(x)
