from torch import nn


class Backbone(nn.Module):
    def __init__(self, width=16):
        super().__init__()
        self.layers = nn.Sequential(nn.Conv2d(3, width, 3, stride=2, padding=1), nn.BatchNorm2d(width), nn.ReLU(),
                                    nn.Conv2d(width, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU())

    def forward(self, x):
        return self.layers(x)


class FeatureLoss(nn.Module):
    """A perceptual loss: the backbone it holds is the loss network, not a model of its own."""

    def __init__(self):
        super().__init__()
        self.features = Features()
        self.criterion = nn.L1Loss()

    def forward(self, x, y):
        return self.criterion(self.features(x), self.features(y))


class Features(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU())

    def forward(self, x):
        return self.layers(x)
