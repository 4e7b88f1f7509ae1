"""A critic whose forward reads a value (meta tensors have none) and then a layer its
constructor never made: the report names that, not only the value."""
from torch import nn


class Critic(nn.Module):
    def __init__(self, in_channels=3, features=16):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(in_channels, features, 3, stride=2, padding=1), nn.LeakyReLU(0.2))
        self.classifier = nn.Linear(features, 1)

    def forward(self, x):
        if x.abs().max().item() > 1:
            x = x / x.abs().max()
        x = self.features(x)
        x = self.avg_pool(x).flatten(1)
        return self.classifier(x)
