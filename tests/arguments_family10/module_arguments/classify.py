from torch import nn


class Classifier(nn.Module):
    """A head over a backbone the caller gives; its class count comes from the data."""

    def __init__(self, backbone, num_classes):
        super().__init__()
        self.features = backbone
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, num_classes)

    def forward(self, x):
        return self.fc(self.pool(self.features(x)).flatten(1))


class StyleNet(nn.Module):
    """An encoder cut out of a VGG the script builds, and a decoder of this file."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, content):
        return self.decoder(self.encoder(content))


class Decoder(nn.Module):
    def __init__(self, width=64):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(width, width, 3, padding=1), nn.ReLU(),
                                  nn.Upsample(scale_factor=2), nn.Conv2d(width, 3, 3, padding=1))

    def forward(self, x):
        return self.body(x)
