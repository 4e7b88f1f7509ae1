import torch.nn as nn
import torch.nn.functional as F


class GroupedUnit(nn.Module):
    def __init__(self, channels, groups):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(channels)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)) + x)


class GroupedCifarNet(nn.Module):
    """Its parameters need values: only the training script's options give them."""

    def __init__(self, cardinality, depth, num_classes, widen_factor=2):
        super().__init__()
        self.units = (depth - 2) // 9
        width = 8 * widen_factor
        self.stem = nn.Conv2d(3, width, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(width)
        self.body = nn.Sequential(*[GroupedUnit(width, cardinality) for _ in range(self.units)])
        self.fc = nn.Linear(width, num_classes)

    def forward(self, x):
        x = self.body(F.relu(self.bn(self.stem(x))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def grouped(**kwargs):
    """Passes its keywords on: no arguments of its own."""
    model = GroupedCifarNet(**kwargs)
    return model
