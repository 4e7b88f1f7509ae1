from torch import nn

from config import cfg


class Classifier(nn.Module):
    """A classifier sized by the project's EasyDict configuration module (``from config import cfg``)."""

    def __init__(self, cfg):
        super().__init__()
        layers, cin = [], cfg.NET.IN_CH
        for width in cfg.NET.CHANNELS:
            layers += [nn.Conv2d(cin, width, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
            cin = width
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, cfg.NET.NUM_CLASSES)

    def forward(self, x):
        return self.fc(self.pool(self.features(x)).flatten(1))


if __name__ == "__main__":
    model = Classifier(cfg)
    print(cfg.TRAIN.LR)
