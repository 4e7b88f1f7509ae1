from torch import nn

import modules


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.b1 = nn.Conv2d(3, 16, 3, padding=1)
        self.b2 = nn.Conv2d(16, 16, 3, stride=2, padding=1)
        self.b3 = nn.Conv2d(16, 16, 3, stride=2, padding=1)
        self.b4 = nn.Conv2d(16, 64, 3, stride=2, padding=1)

    def forward(self, x):
        x1 = self.b1(x)
        x2 = self.b2(x1)
        x3 = self.b3(x2)
        return x1, x2, x3, self.b4(x3)


class DepthModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.E = Encoder()
        self.D = modules.D(64)

    def forward(self, x):
        return self.D(*self.E(x))
