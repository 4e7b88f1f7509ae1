import math

import torch.nn as nn
import torch.nn.functional as F


class WideGroupedUnit(nn.Module):
    def __init__(self, planes, baseWidth, cardinality):
        super().__init__()
        inner = int(math.floor(planes * (baseWidth / 64))) * cardinality
        self.reduce = nn.Conv2d(planes, inner, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(inner)
        self.conv = nn.Conv2d(inner, inner, 3, padding=1, groups=cardinality, bias=False)
        self.bn2 = nn.BatchNorm2d(inner)
        self.expand = nn.Conv2d(inner, planes, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes)

    def forward(self, x):
        out = F.relu(self.bn1(self.reduce(x)))
        out = F.relu(self.bn2(self.conv(out)))
        return F.relu(self.bn3(self.expand(out)) + x)


class GroupedImageNet(nn.Module):
    def __init__(self, baseWidth, cardinality, layers, num_classes):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 7, stride=2, padding=3, bias=False)
        self.bn = nn.BatchNorm2d(16)
        self.body = nn.Sequential(*[WideGroupedUnit(16, baseWidth, cardinality) for _ in range(sum(layers))])
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x):
        x = self.body(F.relu(self.bn(self.stem(x))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def grouped_small(baseWidth, cardinality):
    return GroupedImageNet(baseWidth, cardinality, [1, 1], 100)
