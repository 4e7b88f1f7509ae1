import torch
from torch import nn

from .encoders import MobileEncoder, ResEncoder


class MattingCore(nn.Module):
    def __init__(self, backbone: str, in_channels: int, out_channels: int):
        super().__init__()
        assert backbone in ["resnet50", "resnet101", "mobilenetv2"]
        if backbone in ["resnet50", "resnet101"]:
            self.backbone = ResEncoder(in_channels, variant=backbone)
            width = 32 if backbone == "resnet50" else 48
        else:
            self.backbone = MobileEncoder(in_channels)
            width = 24
        self.decoder = nn.Sequential(nn.Upsample(scale_factor=4), nn.Conv2d(width, out_channels, 3, padding=1))

    def forward(self, x):
        return self.decoder(self.backbone(x))


class CoarseMatting(MattingCore):
    def __init__(self, backbone: str):
        super().__init__(backbone, in_channels=6, out_channels=5)

    def forward(self, src, bgr):
        x = self.decoder(self.backbone(torch.cat([src, bgr], dim=1)))
        return x[:, :1].clamp(0, 1), x[:, 1:4] + src, x[:, 4:]
