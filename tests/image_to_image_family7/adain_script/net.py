"""Arbitrary style transfer in the AdaIN manner: the project's own VGG (up to relu3_1) as a
module-level Sequential, given to the model with a decoder and sliced into stages that the
forward reaches by name at run time. The train script loads ImageNet VGG weights into it."""

import torch
from torch import nn

decoder = nn.Sequential(
    nn.ReflectionPad2d(1), nn.Conv2d(256, 128, 3), nn.ReLU(),
    nn.Upsample(scale_factor=2, mode="nearest"),
    nn.ReflectionPad2d(1), nn.Conv2d(128, 128, 3), nn.ReLU(),
    nn.ReflectionPad2d(1), nn.Conv2d(128, 64, 3), nn.ReLU(),
    nn.Upsample(scale_factor=2, mode="nearest"),
    nn.ReflectionPad2d(1), nn.Conv2d(64, 64, 3), nn.ReLU(),
    nn.ReflectionPad2d(1), nn.Conv2d(64, 3, 3),
)

vgg = nn.Sequential(  # expect: NL202
    nn.Conv2d(3, 3, 1),
    nn.ReflectionPad2d(1), nn.Conv2d(3, 64, 3), nn.ReLU(),
    nn.ReflectionPad2d(1), nn.Conv2d(64, 64, 3), nn.ReLU(),
    nn.MaxPool2d(2, 2, ceil_mode=True),
    nn.ReflectionPad2d(1), nn.Conv2d(64, 128, 3), nn.ReLU(),
    nn.ReflectionPad2d(1), nn.Conv2d(128, 128, 3), nn.ReLU(),
    nn.MaxPool2d(2, 2, ceil_mode=True),
    nn.ReflectionPad2d(1), nn.Conv2d(128, 256, 3), nn.ReLU(),
)


def adaptive_instance_norm(content, style, eps=1e-5):
    c_mean, c_std = content.mean((2, 3), keepdim=True), content.std((2, 3), keepdim=True) + eps
    s_mean, s_std = style.mean((2, 3), keepdim=True), style.std((2, 3), keepdim=True) + eps
    return (content - c_mean) / c_std * s_std + s_mean


class StyleNet(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        layers = list(encoder.children())
        self.stage_1 = nn.Sequential(*layers[:4])
        self.stage_2 = nn.Sequential(*layers[4:11])
        self.stage_3 = nn.Sequential(*layers[11:])
        self.decoder = decoder
        for name in ("stage_1", "stage_2", "stage_3"):
            for p in getattr(self, name).parameters():
                p.requires_grad = False

    def features(self, image):
        found = [image]
        for i in range(3):
            found.append(getattr(self, "stage_{}".format(i + 1))(found[-1]))
        return found[1:]

    def forward(self, content, style, alpha=1.0):
        style_feats = self.features(style)
        content_feat = self.features(content)[-1]
        t = adaptive_instance_norm(content_feat, style_feats[-1])
        t = alpha * t + (1 - alpha) * content_feat
        return self.decoder(t), len(style_feats)
