"""An encoder into a pretrained style generator: the generator is trained on its own first."""

import torch.nn as nn

from stylegan import Generator


class StyleEncoder(nn.Module):
    def __init__(self, style_dim=64):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.to_style = nn.Linear(16, style_dim)

    def forward(self, x):
        return self.to_style(self.features(x).flatten(1))


class Inverter(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = StyleEncoder()
        self.decoder = Generator(32, 64)

    def forward(self, x):
        return self.decoder(self.encoder(x))
