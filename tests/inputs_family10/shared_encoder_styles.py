"""Style transfer whose style image goes through the content's encoder inside a helper method: the
style is an image like the content, whatever the constructor's style_channels say."""

import torch
from torch import nn


class _Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU())

    def forward(self, x):
        return self.blocks(x)


class KernelPredictingStylizer(nn.Module):
    def __init__(self, style_channels=16, kernel_size=3):
        super().__init__()
        self.encoder = _Encoder()
        self.style_encoder = nn.Sequential(nn.AdaptiveAvgPool2d(kernel_size), nn.Conv2d(64, style_channels, 1),
                                           nn.ReLU())
        self.to_weight = nn.Conv2d(style_channels, 64, 1)
        self.decoder = nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(64, 3, 3, padding=1))

    def _encode(self, content, style):
        return self.encoder(content), self.encoder(style)

    def forward(self, content, style):
        if content.shape[1] != 3:  # (a check on the input's size: fx cannot trace it)
            raise ValueError("an RGB content image")
        content_features, style_features = self._encode(content, style)
        kernel = self.to_weight(self.style_encoder(style_features)).mean((2, 3), keepdim=True)
        return self.decoder(content_features * kernel)


class _ValueScaledEncoder(nn.Module):
    """Reads a buffer's value (as a frozen VGG's normalization does): meta tensors have none."""

    def __init__(self):
        super().__init__()
        self.register_buffer("range", torch.tensor(255.0))
        self.blocks = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU())

    def forward(self, x):
        return self.blocks(x / self.range.item())


class ValueScaledStyleMixer(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = _ValueScaledEncoder()
        self.decoder = nn.Conv2d(16, 3, 3, padding=1)

    def _encode(self, content, style):
        return self.encoder(content), self.encoder(style)

    def forward(self, content, style):
        if content.shape[1] != 3:  # (a check on the input's size: fx cannot trace it)
            raise ValueError("an RGB content image")
        content_features, style_features = self._encode(content, style)
        return self.decoder(content_features + style_features.mean((2, 3), keepdim=True))
