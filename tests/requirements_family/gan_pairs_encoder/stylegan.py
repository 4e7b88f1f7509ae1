"""A style generator and its discriminator, in one file."""

import torch
import torch.nn as nn


class Generator(nn.Module):
    def __init__(self, size=32, style_dim=64):
        super().__init__()
        self.size = size
        self.style = nn.Sequential(nn.Linear(style_dim, style_dim), nn.LeakyReLU(0.2))
        self.to_image = nn.Linear(style_dim, 3 * size * size)

    def forward(self, styles):
        return self.to_image(self.style(styles)).view(-1, 3, self.size, self.size)


class Discriminator(nn.Module):
    def __init__(self, size=32):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.fc = nn.Linear(16 * (size // 2) ** 2, 1)

    def forward(self, x):
        return self.fc(torch.flatten(self.conv(x), 1))
