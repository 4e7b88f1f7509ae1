from torch import nn


def _stage(a, b):
    return nn.Sequential(nn.Conv2d(a, b, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(b), nn.ReLU())


class ResEncoder(nn.Module):
    def __init__(self, in_channels, variant):
        super().__init__()
        widths = {"resnet50": (16, 32), "resnet101": (16, 48)}[variant]
        self.stages = nn.ModuleList([_stage(in_channels, widths[0]), _stage(*widths)])

    def forward(self, x):
        for stage in self.stages:
            x = stage(x)
        return x


class MobileEncoder(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.stages = nn.Sequential(_stage(in_channels, 8), _stage(8, 24))

    def forward(self, x):
        return self.stages(x)
