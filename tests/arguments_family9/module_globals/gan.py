import argparse

import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument("--dataroot", required=True, help="path to the dataset")
parser.add_argument("--nz", type=int, default=32)
parser.add_argument("--ngf", type=int, default=16)
parser.add_argument("--ngpu", type=int, default=1)
opt = parser.parse_args()

ngpu = int(opt.ngpu)
nz = int(opt.nz)
ngf = int(opt.ngf)
nc = 3


class Generator(nn.Module):
    """Reads the module's globals computed from the parsed options."""

    def __init__(self, ngpu):
        super().__init__()
        self.ngpu = ngpu
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 2, 3, 1, 0, bias=False),
            nn.InstanceNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, bias=False),
            nn.Tanh(),
        )

    def forward(self, z):
        return self.main(z)
