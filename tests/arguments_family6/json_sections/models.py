import torch.nn as nn


class LabelHead(nn.Module):
    """A classifier built by build(cfg) from cfg['network'], cfg given by the caller."""

    def __init__(self, n_labels, hidden):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, hidden, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(hidden, n_labels)

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))


class StemEncoder(nn.Module):
    """Features built from an EasyDict of a JSON file, by attribute: cfg.encoder."""

    def __init__(self, stem_width, expansion_steps):
        super().__init__()
        layers, width = [], stem_width
        self.stem = nn.Conv2d(3, stem_width, 3, stride=2, padding=1)
        for _ in range(expansion_steps):
            layers += [nn.Conv2d(width, width * 2, 3, stride=2, padding=1), nn.ReLU()]
            width *= 2
        self.body = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        return self.pool(self.body(self.stem(x))).flatten(1)
