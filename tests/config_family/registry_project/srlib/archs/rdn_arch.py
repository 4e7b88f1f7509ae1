import torch
from torch import nn

from srlib.utils.registry import ARCH_REGISTRY


class DenseLayer(nn.Module):
    def __init__(self, channels, growth):
        super().__init__()
        self.conv = nn.Conv2d(channels, growth, 3, padding=1)

    def forward(self, x):
        return torch.cat([x, torch.relu(self.conv(x))], 1)


@ARCH_REGISTRY.register()
class ResidualDenseSR(nn.Module):
    """Super-resolution: every size comes from the training options (no defaults)."""

    def __init__(self, num_in_ch, num_out_ch, num_feat, num_block, upscale=4):
        super().__init__()
        self.head = nn.Conv2d(num_in_ch, num_feat, 3, padding=1)
        layers = []
        for i in range(num_block):
            layers.append(DenseLayer(num_feat * (i + 1), num_feat))
        self.body = nn.Sequential(*layers)
        self.fuse = nn.Conv2d(num_feat * (num_block + 1), num_feat, 1)
        self.up = nn.Sequential(nn.Conv2d(num_feat, num_out_ch * upscale * upscale, 3, padding=1),
                                nn.PixelShuffle(upscale))

    def forward(self, x):
        feat = self.head(x)
        return self.up(self.fuse(self.body(feat)) + feat)
