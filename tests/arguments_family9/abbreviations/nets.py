import torch
import torch.nn as nn


class Unet2(nn.Module):
    def __init__(self, nch_in, nch_out, nch_ker=16):
        super().__init__()
        self.enc = nn.Conv2d(nch_in, nch_ker, 3, padding=1)
        self.dec = nn.Conv2d(nch_ker, nch_out, 3, padding=1)

    def forward(self, x):
        return self.dec(torch.relu(self.enc(x)))


class PatchCritic(nn.Module):
    def __init__(self, cnum_in, cnum):
        super().__init__()
        self.convs = nn.Sequential(nn.Conv2d(cnum_in, cnum, 4, 2, 1), nn.LeakyReLU(0.2),
                                   nn.Conv2d(cnum, 1, 4, 2, 1))

    def forward(self, x):
        return self.convs(x)


class FusedIO(nn.Module):
    """cin/cout fused, a kernel size and a stride: never channels."""

    def __init__(self, cin, cout, ksize, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, 8, ksize, stride, ksize // 2)
        self.out = nn.Conv2d(8, cout, ksize, stride, ksize // 2)

    def forward(self, x):
        return self.out(torch.relu(self.conv(x)))


class SizedCritic(nn.Module):
    def __init__(self, isize, nc, ndf):
        super().__init__()
        layers = [nn.Conv2d(nc, ndf, 4, 2, 1), nn.LeakyReLU(0.2)]
        size = isize // 2
        while size > 4:
            layers += [nn.Conv2d(ndf, ndf, 4, 2, 1), nn.LeakyReLU(0.2)]
            size //= 2
        layers.append(nn.Conv2d(ndf, 1, 3, 1, 0))
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        return self.main(x)


class Blender(nn.Module):
    def __init__(self, alpha):
        super().__init__()
        self.alpha = alpha
        self.encode = nn.Conv2d(3, 8, 3, padding=1)
        self.decode = nn.Conv2d(8, 3, 3, padding=1)

    def forward(self, x):
        feat = self.encode(x)
        return self.decode(self.alpha * feat + (1 - self.alpha) * feat.mean((2, 3), keepdim=True))
