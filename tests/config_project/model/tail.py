import torch.nn as nn


class Tail(nn.Module):
    """conf['width'] is "${head.hidden}" in settings.toml: an OmegaConf reference (20)."""

    def __init__(self, conf):
        super().__init__()
        self.conv = nn.Conv2d(conf["width"], 3, 1)

    def forward(self, x):
        return self.conv(x)
