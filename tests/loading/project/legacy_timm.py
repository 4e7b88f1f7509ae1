"""Written for older timm and torchvision: modules and names that moved. The packages are
installed and import; what they no longer have gets a stand-in."""

import torch
from timm.models.layers import DropPath, trunc_normal_, create_attn_legacy
from timm.models.layers.helpers import to_2tuple
from torch import nn
from torchvision.models.utils import load_state_dict_from_url

try:
    from timm.models.efficientnet_blocks import SqueezeExcite  # moved in timm 0.9
except ImportError:
    from timm.layers import SqueezeExcite


class Mixer(nn.Module):
    """Uses none of what moved: linted, the report says what was stood in for."""

    def __init__(self, dim=16, pretrained=False):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, 4, stride=4)
        self.se = SqueezeExcite(dim)
        self.drop = DropPath(0.1)
        self.head = nn.Linear(dim, 10)
        trunc_normal_(self.head.weight, std=0.02)
        if pretrained:
            self.load_state_dict(load_state_dict_from_url("https://example.org/mixer.pth"))

    def forward(self, x):
        return self.head(self.drop(self.se(self.proj(x))).mean((2, 3)))


class PatchEmbed(nn.Module):
    """Uses to_2tuple, which the installed timm does not have there: one error naming it."""

    def __init__(self, patch_size=4, dim=16):
        super().__init__()
        patch = to_2tuple(patch_size)
        self.proj = nn.Conv2d(3, dim, patch, stride=patch)

    def forward(self, x):
        return torch.flatten(self.proj(x), 2)


class Attention(nn.Module):
    """Uses a name the installed timm.models.layers does not have."""

    def __init__(self, dim=16):
        super().__init__()
        self.attn = create_attn_legacy("se", dim)
        self.proj = nn.Conv2d(dim, dim, 1)

    def forward(self, x):
        return self.proj(self.attn(x))
