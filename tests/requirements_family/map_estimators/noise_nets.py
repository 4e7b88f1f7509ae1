"""Networks that predict a per-pixel map that is no image (a noise level map, per channel),
beside a denoiser of the same build that makes the image."""

import torch.nn as nn


def conv_bn_relu(channels, layers):
    body = []
    for _ in range(layers):
        body += [nn.Conv2d(channels, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels), nn.ReLU()]
    return body


class NoiseEstimation(nn.Module):
    """A noise level map for each channel of the (grey or colour) input."""

    def __init__(self, input_channels=1, output_channels=3, features=32):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(input_channels, features, 3, padding=1), nn.ReLU(),
                                  *conv_bn_relu(features, 1), nn.Conv2d(features, output_channels, 3, padding=1))

    def forward(self, x):
        return self.body(x)


class NoiseLevelEst(nn.Module):
    def __init__(self, channels=3, features=32):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(channels, features, 3, padding=1), nn.ReLU(),
                                  *conv_bn_relu(features, 2), nn.Conv2d(features, channels, 3, padding=1))

    def forward(self, x):
        return self.body(x)


class ResidualDenoiser(nn.Module):
    """The same build, making the clean image: BatchNorm here is NL201's."""

    def __init__(self, channels=3, features=32):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(channels, features, 3, padding=1), nn.ReLU(),
                                  *conv_bn_relu(features, 2), nn.Conv2d(features, channels, 3, padding=1))

    def forward(self, x):
        return x - self.body(x)
