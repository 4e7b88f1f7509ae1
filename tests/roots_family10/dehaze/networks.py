"""A CycleGAN-style networks file: define_G builds each generator alone and hands it to
init_net, which returns the network it was given; DehazeGenerator also builds both inside."""

import torch
from torch import nn


def init_weights(net, gain=0.02):
    def init(m):
        if isinstance(m, nn.Conv2d):
            nn.init.normal_(m.weight, 0.0, gain)
    net.apply(init)


def init_net(net, init_type="normal", gpu_ids=()):
    if len(gpu_ids) > 0:
        net = torch.nn.DataParallel(net, gpu_ids)
    init_weights(net)
    return net


def define_G(input_nc, output_nc, ngf, which_model):
    if which_model == "resnet":
        net = ResnetGenerator(input_nc, output_nc, ngf)
    elif which_model == "refiner":
        net = Refiner(input_nc, output_nc)
    else:
        raise NotImplementedError(which_model)
    return init_net(net, "normal")


def define_small(input_nc, output_nc):
    net = Refiner(input_nc, output_nc, width=16)
    net = init_net(net)
    return net


class ResnetBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(dim, dim, 3, padding=1), nn.BatchNorm2d(dim), nn.ReLU(True),
                                  nn.Conv2d(dim, dim, 3, padding=1), nn.BatchNorm2d(dim))

    def forward(self, x):
        return x + self.body(x)


class ResnetGenerator(nn.Module):
    def __init__(self, input_nc=3, output_nc=3, ngf=32, n_blocks=2):
        super().__init__()
        layers = [nn.Conv2d(input_nc, ngf, 7, padding=3), nn.BatchNorm2d(ngf), nn.ReLU(True)]
        layers += [ResnetBlock(ngf) for _ in range(n_blocks)]
        layers += [nn.Conv2d(ngf, output_nc, 7, padding=3), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class Refiner(nn.Module):
    def __init__(self, input_nc=3, output_nc=3, width=32):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(input_nc, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(True),
                                  nn.Conv2d(width, output_nc, 3, padding=1))

    def forward(self, x):
        return torch.sigmoid(self.body(x))


class DehazeGenerator(nn.Module):
    def __init__(self, input_nc=3, output_nc=3, ngf=32):
        super().__init__()
        self.generator = ResnetGenerator(input_nc, output_nc, ngf)
        self.refiner = Refiner(input_nc, output_nc)

    def forward(self, x):
        return self.refiner(self.generator(x))
