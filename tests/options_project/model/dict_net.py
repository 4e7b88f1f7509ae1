import torch.nn as nn


class DictNet(nn.Module):
    """Its config is a dict read by key, not the command line's options."""

    def __init__(self, config):
        super().__init__()
        self.conv = nn.Conv2d(config["in_channels"], config["n_feats"], 3, padding=1)

    def forward(self, x):
        return self.conv(x)
