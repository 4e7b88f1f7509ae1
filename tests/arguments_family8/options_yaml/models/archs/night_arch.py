"""A low-light enhancer whose defaults are not the configuration its forward is written for."""
import torch
from torch import nn


class night_enhancer(nn.Module):
    def __init__(self, nf=64, front_blocks=2, HR_in=False):
        super().__init__()
        self.HR_in = HR_in
        if self.HR_in:
            self.conv_first_1 = nn.Conv2d(3, nf, 3, 1, 1)
            self.conv_first_2 = nn.Conv2d(nf, nf, 3, 2, 1)
        else:
            self.conv_first = nn.Conv2d(3, nf, 3, 1, 1)
        self.body = nn.Sequential(*[nn.Sequential(nn.Conv2d(nf, nf, 3, 1, 1), nn.LeakyReLU(0.1))
                                    for _ in range(front_blocks)])
        self.upconv = nn.Conv2d(nf, 4 * 3, 3, 1, 1)
        self.shuffle = nn.PixelShuffle(2)

    def forward(self, x):
        feature = self.conv_first_2(torch.relu(self.conv_first_1(x)))
        return x + self.shuffle(self.upconv(self.body(feature)))
