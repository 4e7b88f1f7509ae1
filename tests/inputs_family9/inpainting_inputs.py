"""Inputs of several kinds: an inpainting generator reading an image, an edge map sized by its
constructor and a one-channel mask; a colorization critic reading an image and the feature map of
another network at a fraction of its side."""

import torch
import torch.nn.functional as F
from torch import nn


class GatedBlock(nn.Module):
    def __init__(self, cin, cout, stride=2):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.norm = nn.InstanceNorm2d(cout)

        self.last_size = (0, 0)

    def forward(self, x, mask):
        if self.last_size != (x.shape[2], x.shape[3]):  # a cached ratio, as partial convolutions keep
            self.last_size = (x.shape[2], x.shape[3])
        out = F.relu(self.norm(self.conv(x * mask)))
        mask = mask[:, :1]  # the valid region, one channel after the first block
        return out, F.max_pool2d(mask, 2) if self.conv.stride[0] == 2 else mask


class DualStreamInpainter(nn.Module):
    def __init__(self, image_channels=3, edge_in_channels=2, width=32):
        super().__init__()
        self.texture = nn.ModuleList([GatedBlock(image_channels, width), GatedBlock(width, width * 2)])
        self.structure = nn.ModuleList([GatedBlock(edge_in_channels, width), GatedBlock(width, width * 2)])
        self.fuse = nn.Conv2d(width * 4 + 2, width * 2, 3, padding=1)
        self.up = nn.Sequential(nn.Upsample(scale_factor=4), nn.Conv2d(width * 2, image_channels, 3, padding=1))

    def forward(self, masked_image, structure_edge, mask):
        texture_mask = torch.cat((mask, mask, mask), dim=1)
        structure_mask = torch.cat((mask, mask), dim=1)
        t, tm = masked_image, texture_mask
        for block in self.texture:
            t, tm = block(t, tm)
        s, sm = structure_edge, structure_mask
        for block in self.structure:
            s, sm = block(s, sm)
        fused = self.fuse(torch.cat((t, s, tm, sm), dim=1))
        return torch.tanh(self.up(fused))


class SketchFeatureCritic(nn.Module):
    """Reads a colour image and a 256-channel feature map of a sketch network at 1/16 of its side;
    the head fits a 512×512 image only."""

    def __init__(self, ndf=32):
        super().__init__()
        self.image = nn.Sequential(
            nn.Conv2d(3, ndf, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(ndf * 4, ndf * 4, 4, 2, 1), nn.LeakyReLU(0.2))
        self.joint = nn.Sequential(
            nn.Conv2d(ndf * 4 + 256, ndf * 8, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(ndf * 8, ndf * 8, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(ndf * 8, ndf * 8, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(ndf * 8, ndf * 8, 4, 1, 0), nn.LeakyReLU(0.2))
        self.out = nn.Linear(ndf * 8, 1)

    def forward(self, color, sketch_feat):
        x = self.image(color)
        x = self.joint(torch.cat([x, sketch_feat], 1))
        return self.out(x.view(color.size(0), -1))


class StackedFrameFlow(nn.Module):
    """Three luminance frames stacked on the channels; a flow network reads them two at a time."""

    def __init__(self, scale=2):
        super().__init__()
        self.flow = nn.Sequential(nn.Conv2d(2, 32, 3, 1, 1), nn.LeakyReLU(0.1), nn.Conv2d(32, 2, 3, 1, 1))
        self.body = nn.Sequential(nn.Conv2d(1 + 4, 64, 3, 1, 1), nn.ReLU(), nn.Conv2d(64, scale ** 2, 3, 1, 1))
        self.shuffle = nn.PixelShuffle(scale)

    def forward(self, x):
        prev_pair = torch.cat((x[:, 0:1], x[:, 1:2]), 1)
        next_pair = torch.cat((torch.unsqueeze(x[:, 2, :, :], 1), torch.unsqueeze(x[:, 1, :, :], 1)), 1)
        flows = torch.cat((self.flow(prev_pair), self.flow(next_pair)), 1)
        return self.shuffle(self.body(torch.cat((x[:, 1:2], flows), 1)))
