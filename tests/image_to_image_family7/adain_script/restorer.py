"""Precision: a denoiser trained with a perceptual loss. The loss network is a VGG copy the
script loads ImageNet weights into (restorer.loss_net.load_state_dict(...)), but the forward
never uses it: quiet."""

import torch
from torch import nn


class Denoiser(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 3, 3, padding=1))
        self.loss_net = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1),
                                      nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(64, 128, 3, padding=1))

    def perceptual(self, a, b):
        return (self.loss_net(a) - self.loss_net(b)).abs().mean()

    def forward(self, noisy):
        return noisy - self.body(noisy)
