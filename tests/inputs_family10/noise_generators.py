"""Generators from a noise or a code the forward views as a map of 1×1 before a transposed
convolution (the first registered layer that states its channels may be a BatchNorm after a wrapped
one), and critics that flatten an image from the sizes they read before their first Linear."""

import torch
from torch import nn


class _Weighted(nn.Module):
    """A wrapper that keeps its layer's weight under another name and sets it, normalized, before
    each call (as spectral norm does): the graph shows no weight for the layer."""

    def __init__(self, layer: nn.Module):
        super().__init__()
        self.layer = layer
        weight = layer.weight
        del layer._parameters["weight"]
        layer.register_parameter("weight_raw", nn.Parameter(weight.data))

    def forward(self, x):
        raw = getattr(self.layer, "weight_raw")
        rows = raw.data.shape[0]
        scale = raw.view(rows, -1).norm(dim=1).max()
        setattr(self.layer, "weight", raw / scale.expand_as(raw))
        return self.layer(x)


class WrappedNoiseGenerator(nn.Module):
    def __init__(self, batch_size, z_dim=100, conv_dim=64):
        super().__init__()
        self.batch_size = batch_size
        self.l1 = nn.Sequential(_Weighted(nn.ConvTranspose2d(z_dim, conv_dim * 8, 4, bias=False)),
                                nn.BatchNorm2d(conv_dim * 8), nn.ReLU())
        self.l2 = nn.Sequential(nn.ConvTranspose2d(conv_dim * 8, conv_dim * 4, 4, 2, 1, bias=False),
                                nn.BatchNorm2d(conv_dim * 4), nn.ReLU())
        self.last = nn.Sequential(nn.ConvTranspose2d(conv_dim * 4, 3, 4, 2, 1), nn.Tanh())

    def forward(self, z):
        z = z.view(z.size(0), z.size(1), 1, 1)
        return self.last(self.l2(self.l1(z)))


class CodeGenerator(nn.Module):
    def __init__(self, nz=64, ngf=32):
        super().__init__()
        self.nz = nz
        self.norm = nn.BatchNorm2d(ngf * 4)
        self.up = nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False)
        self.body = nn.Sequential(nn.ConvTranspose2d(ngf * 4, ngf, 4, 2, 1), nn.ReLU(),
                                  nn.ConvTranspose2d(ngf, 1, 4, 2, 1), nn.Tanh())

    def forward(self, code):
        x = torch.reshape(code, (-1, self.nz, 1, 1))
        return self.body(torch.relu(self.norm(self.up(x))))


class FlatteningCritic(nn.Module):
    def __init__(self, isize=32, nc=3, ndf=128):
        super().__init__()
        self.main = nn.Sequential(nn.Linear(nc * isize * isize, ndf), nn.ReLU(True),
                                  nn.Linear(ndf, ndf), nn.ReLU(True), nn.Linear(ndf, 1))

    def forward(self, input):
        input = input.view(input.size(0),
                           input.size(1) * input.size(2) * input.size(3))
        return self.main(input).mean(0).view(1)


class ShapeFlatteningCritic(nn.Module):
    def __init__(self, side=28):
        super().__init__()
        self.fc = nn.Linear(side * side, 256)
        self.out = nn.Linear(256, 1)

    def forward(self, image):
        flat = image.reshape(image.shape[0], image.shape[1] * image.shape[2] * image.shape[3])
        return self.out(torch.relu(self.fc(flat)))


class VectorGenerator(nn.Module):
    """Precision: its input is a vector already (a Linear reads it), viewed as B×F only."""

    def __init__(self, nz=100, isize=32):
        super().__init__()
        self.isize = isize
        self.main = nn.Sequential(nn.Linear(nz, 256), nn.ReLU(True), nn.Linear(256, 3 * isize * isize))

    def forward(self, input):
        input = input.view(input.size(0), input.size(1))
        return self.main(input).view(input.size(0), 3, self.isize, self.isize)


class EqualizedGenerator(nn.Module):
    """Its first layer is a weight scaled at run time (equalized learning rate): the graph's first
    layer that states its channels is the BatchNorm after it."""

    def __init__(self, latent_dim=96, ngf=48):
        super().__init__()
        self.latent_dim = latent_dim
        self.weight = nn.Parameter(torch.randn(latent_dim, ngf * 4, 4, 4))
        self.scale = (2 / (latent_dim * 16)) ** 0.5
        self.norm = nn.BatchNorm2d(ngf * 4)
        self.body = nn.Sequential(nn.ConvTranspose2d(ngf * 4, ngf, 4, 2, 1), nn.ReLU(),
                                  nn.ConvTranspose2d(ngf, 3, 4, 2, 1), nn.Tanh())

    def forward(self, latent):
        x = latent.view(-1, self.latent_dim, 1, 1)
        x = nn.functional.conv_transpose2d(x, self.weight * self.scale)
        return self.body(torch.relu(self.norm(x)))
