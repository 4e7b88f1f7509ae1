"""Clean: a DCGAN discriminator ending in Sigmoid with nn.BCELoss."""
import torch
import torch.nn as nn


class Discriminator(nn.Module):
    def __init__(self, ndf=16):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 7, 1, 0, bias=False), nn.Sigmoid())

    def forward(self, x):
        return self.main(x).view(-1)


netD = Discriminator()
criterion = nn.BCELoss()
real = torch.randn(8, 1, 28, 28)
errD = criterion(netD(real), torch.ones(8))
