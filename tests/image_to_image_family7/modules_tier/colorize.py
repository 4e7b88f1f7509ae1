"""Models whose forward takes a list of boxes netlint cannot make up: captured as the module
tree only, their task decided from what the code says."""

import torch
from torch import nn


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(True))


class InstanceFusionGenerator(nn.Module):
    """Colorization fused over instance boxes: a generator whose first convolution reads the
    gray image, its colour hints and their mask (4 channels)."""

    def __init__(self, hints=2):
        super().__init__()
        self.down = nn.Sequential(
            nn.Conv2d(1 + hints + 1, 32, 3, padding=1),
            nn.BatchNorm2d(32),  # expect: NL201
            nn.ReLU(True),
        )
        self.up = nn.Conv2d(32, hints, 1)

    def forward(self, luminance, hints, boxes):
        x = self.down(torch.cat([luminance, hints, torch.ones_like(luminance)], 1))
        for index in range(len(boxes)):
            top, left, bottom, right = [int(v) for v in boxes[index]]
            x[:, :, top:bottom, left:right] = x[:, :, top:bottom, left:right] * 2
        return self.up(x)


class BoxDiscriminator(nn.Module):
    """Precision: a discriminator with the same inputs: quiet."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(block(3, 32), nn.Conv2d(32, 1, 4))

    def forward(self, image, boxes):
        x = self.body(image)
        return [x[:, :, int(b[0]):int(b[2]), int(b[1]):int(b[3])].mean() for b in boxes]


class LatentGenerator(nn.Module):
    """Precision: a noise-to-image generator (its convolutions read features of a latent code),
    conditioned on a list of boxes: quiet."""

    def __init__(self, latent=128):
        super().__init__()
        self.project = nn.Linear(latent, 64 * 4 * 4)
        self.body = nn.Sequential(nn.ConvTranspose2d(64, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(True),
                                  nn.Conv2d(64, 3, 3, padding=1), nn.Tanh())

    def forward(self, z, boxes):
        x = self.project(z).view(-1, 64, 4, 4)
        for index in range(len(boxes)):
            x = x + float(boxes[index][0])
        return self.body(x)


class PortraitMatting(nn.Module):
    """Precision: matting (an alpha matte is a dense prediction), same inputs: quiet."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(block(3, 32), nn.Conv2d(32, 1, 1))

    def forward(self, image, boxes):
        x = self.body(image)
        for index in range(len(boxes)):
            x = x + float(boxes[index][0])
        return x


class BoxComposer(nn.Module):
    """Neither its name nor its inputs say images; its decoder mirrors the encoder back to the
    3 channels it reads: image-to-image."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1),
            nn.BatchNorm2d(16),  # expect: NL201
            nn.ReLU(True),
        )
        self.decoder = nn.Sequential(nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(True), nn.Conv2d(16, 3, 3, padding=1))

    def forward(self, image, boxes):
        x = self.encoder(image)
        for index in range(len(boxes)):
            x = x + float(boxes[index][0])
        return self.decoder(x)


class BoxSegmenter(nn.Module):
    """Precision: the same shape of network ending in 5 class maps: quiet."""

    def __init__(self, n_classes=5):
        super().__init__()
        self.encoder = nn.Sequential(block(3, 16))
        self.decoder = nn.Sequential(nn.Conv2d(16, n_classes, 1))

    def forward(self, image, boxes):
        x = self.encoder(image)
        for index in range(len(boxes)):
            x = x + float(boxes[index][0])
        return self.decoder(x)
