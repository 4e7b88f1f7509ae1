"""The noise-predicting U-Net of a diffusion model: (noisy image ++ condition, noise level) -> noise."""
import torch
from torch import nn


class ResBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.body = nn.Sequential(nn.GroupNorm(8, channels), nn.SiLU(), nn.Conv2d(channels, channels, 3, padding=1))

    def forward(self, x):
        return x + self.body(x)


class UNet(nn.Module):
    def __init__(self, in_channel=6, out_channel=3, inner_channel=32):
        super().__init__()
        self.noise_embed = nn.Linear(1, inner_channel)
        self.head = nn.Conv2d(in_channel, inner_channel, 3, padding=1)
        self.down = nn.Conv2d(inner_channel, inner_channel, 3, stride=2, padding=1)
        self.mid = ResBlock(inner_channel)
        self.up = nn.ConvTranspose2d(inner_channel, inner_channel, 4, stride=2, padding=1)
        self.tail = nn.Conv2d(inner_channel * 2, out_channel, 3, padding=1)

    def forward(self, x, gammas):
        h = self.head(x) + self.noise_embed(gammas.view(-1, 1))[:, :, None, None]
        return self.tail(torch.cat([h, self.up(self.mid(self.down(h)))], 1))
