"""An image-restoration project file whose requirements are not installed: its data
loading, metrics and logging need h5py, kornia, lpips, pretrainedmodels and mmengine;
some of its models need them too."""

import importlib.util

import h5py
import kornia
import kornia.augmentation as K
import pretrainedmodels
import torch
from mmengine.registry import Registry
from kornia.filters import gaussian_blur2d
from pretrainedmodels.models.senet import SEResNeXtBottleneck
from torch import nn

try:
    from inplace_abn import InPlaceABN
except ImportError:  # optional: plain BatchNorm then
    InPlaceABN = None

try:
    import lpips
except ImportError:
    raise ImportError("the perceptual metric needs lpips: pip install lpips")

HAS_APEX = importlib.util.find_spec("apex") is not None
MODELS = Registry("models")
AUGMENT = K.AugmentationSequential(K.RandomHorizontalFlip(), K.ColorJitter(0.1, 0.1, 0.1))
IMAGENET_URL = pretrainedmodels.pretrained_settings["se_resnext50_32x4d"]["imagenet"]["url"]
BLOCKS = {"se": SEResNeXtBottleneck}


class Frames(torch.utils.data.Dataset):
    def __init__(self, path):
        self.frames = h5py.File(path, "r")["frames"]

    def __getitem__(self, i):
        return AUGMENT(torch.from_numpy(self.frames[i]))

    def __len__(self):
        return len(self.frames)


def psnr(output, target):
    return kornia.metrics.psnr(output, target, 1.0)


perceptual = lpips.LPIPS(net="alex")


@MODELS.register_module()
class Restorer(nn.Module):
    def __init__(self, width=16):
        super().__init__()
        norm = nn.BatchNorm2d if InPlaceABN is None else InPlaceABN
        self.head = nn.Conv2d(3, width, 3, padding=1)
        self.norm = norm(width)
        self.tail = nn.Conv2d(width, 3, 3, padding=1)

    def forward(self, x):
        return x + self.tail(torch.relu(self.norm(self.head(x))))


class Deblur(nn.Module):
    def __init__(self):
        super().__init__()
        self.refine = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        return self.refine(gaussian_blur2d(x, (5, 5), (1.5, 1.5)))


class SEEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = pretrainedmodels.__dict__["se_resnext50_32x4d"](num_classes=1000, pretrained="imagenet")

    def forward(self, x):
        return self.backbone.features(x)
