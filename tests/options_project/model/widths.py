import torch.nn as nn


class WidthsNet(nn.Module):
    """Its cfg is a list of widths, not the command line's options."""

    def __init__(self, cfg):
        super().__init__()
        layers, cin = [], 3
        for width in cfg:
            layers += [nn.Conv2d(cin, width, 3, padding=1), nn.ReLU()]
            cin = width
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)
