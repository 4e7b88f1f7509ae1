import torch.nn as nn


class StyleEncoder(nn.Module):
    """Calls nl_layer() whatever it is, though its default is None: it needs a layer class."""

    def __init__(self, input_nc, output_nc=8, norm_layer=None, nl_layer=None):
        super().__init__()
        layers = [nn.Conv2d(input_nc, 16, 4, stride=2, padding=1, bias=norm_layer is None)]
        if norm_layer is not None:
            layers.append(norm_layer(16))
        layers += [nl_layer(), nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(16, output_nc)

    def forward(self, x):
        return self.fc(self.body(x))


class GuardedEncoder(nn.Module):
    """Replaces its None default before calling it: its defaults build."""

    def __init__(self, input_nc=3, norm_layer=None, act=None):
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        self.body = nn.Sequential(nn.Conv2d(input_nc, 16, 3, padding=1, bias=False), norm_layer(16),
                                  nn.ReLU() if act is None else act(), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        return self.fc(self.body(x))
