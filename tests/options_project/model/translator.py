import torch.nn as nn


class Translator(nn.Module):
    def __init__(self, opt):
        super().__init__()
        ngf = opt.ngf
        norm = nn.InstanceNorm2d if opt.norm == "instance" else nn.BatchNorm2d
        layers = [nn.Conv2d(opt.input_nc, ngf, 7, padding=3), norm(ngf), nn.ReLU(True)]
        for i in range(opt.n_downsampling):
            layers += [nn.Conv2d(ngf * 2 ** i, ngf * 2 ** (i + 1), 3, 2, 1), norm(ngf * 2 ** (i + 1)), nn.ReLU(True)]
        for i in reversed(range(opt.n_downsampling)):
            layers += [nn.ConvTranspose2d(ngf * 2 ** (i + 1), ngf * 2 ** i, 4, 2, 1), norm(ngf * 2 ** i), nn.ReLU(True)]
        layers += [nn.Conv2d(ngf, opt.output_nc, 7, padding=3), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)
