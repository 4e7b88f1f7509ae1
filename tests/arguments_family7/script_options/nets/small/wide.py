import torch.nn as nn
import torch.nn.functional as F


class WideUnit(nn.Module):
    def __init__(self, in_planes, planes):
        super().__init__()
        self.bn = nn.BatchNorm2d(in_planes)
        self.conv = nn.Conv2d(in_planes, planes, 3, padding=1, bias=False)

    def forward(self, x):
        return self.conv(F.relu(self.bn(x)))


class WideCifarNet(nn.Module):
    def __init__(self, depth, num_classes, widen_factor=1):
        super().__init__()
        assert (depth - 4) % 6 == 0, 'depth should be 6n+4'
        n = (depth - 4) // 6
        widths = [4, 4 * widen_factor, 8 * widen_factor]
        self.stem = nn.Conv2d(3, widths[0], 3, padding=1, bias=False)
        units = [WideUnit(widths[0] if i == 0 else widths[1], widths[1]) for i in range(n)]
        units += [WideUnit(widths[1] if i == 0 else widths[2], widths[2]) for i in range(n)]
        self.body = nn.Sequential(*units)
        self.bn = nn.BatchNorm2d(widths[2])
        self.fc = nn.Linear(widths[2], num_classes)

    def forward(self, x):
        x = F.relu(self.bn(self.body(self.stem(x))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))
