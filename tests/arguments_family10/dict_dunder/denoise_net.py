from torch import nn


class ResidualStack(nn.Module):
    def __init__(self, hp):
        super().__init__()
        width = hp['width']
        self.blocks = nn.Sequential(*[nn.Sequential(nn.Conv2d(width, width, 3, padding=1), nn.ReLU())
                                      for _ in range(hp['depth'])])

    def forward(self, x):
        return x + self.blocks(x)


class Denoiser(nn.Module):
    def __init__(self, hp):
        super().__init__()
        self.head = nn.Conv2d(hp['channels'], hp['width'], 3, padding=1)
        self.stack = ResidualStack(hp=hp)
        self.tail = nn.Conv2d(hp['width'], hp['channels'], 3, padding=1)

    def forward(self, noisy):
        return noisy - self.tail(self.stack(self.head(noisy)))
