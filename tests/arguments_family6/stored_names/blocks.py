import torch
import torch.nn as nn


class MergingEncoder(nn.Module):
    """Keeps a string option on self and tests its accepted values in forward only."""

    def __init__(self, merge_mode):
        super().__init__()
        self.merge_mode = merge_mode
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.skip = nn.Conv2d(3, 8, 1)

    def forward(self, x):
        if self.merge_mode == 'sum':
            return self.conv(x) + self.skip(x)
        elif self.merge_mode in ('cat', 'concat'):
            return torch.cat([self.conv(x), self.skip(x)], 1)
        raise ValueError(self.merge_mode)


class WidthByName(nn.Module):
    """Tests the option kept on self in a method its constructor calls."""

    def __init__(self, variant):
        super().__init__()
        self.variant = variant
        self.body = self._make_body()

    def _make_body(self):
        width = 16 if self.variant == 'wide' else 8 if self.variant == 'slim' else None
        return nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                             nn.Linear(width, 10))

    def forward(self, x):
        return self.body(x)
