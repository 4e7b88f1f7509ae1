import torch.nn as nn

from model.srnet import SRNet


class SRNetLite(SRNet):
    """Reads its options only through its base's constructor."""

    def __init__(self, opt):
        super().__init__(opt)
        self.clamp = nn.Hardtanh(0.0, 1.0)

    def forward(self, x):
        return self.clamp(super().forward(x))
