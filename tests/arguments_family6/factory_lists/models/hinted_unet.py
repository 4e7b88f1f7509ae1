import torch
import torch.nn as nn


class HintLayer(nn.Module):
    def __init__(self, strength):
        super().__init__()
        self.strength = strength
        self.target = None

    def forward(self, x):
        return x * (1 - self.strength) + x.detach() * self.strength


class HintedUnet(nn.Module):
    """Built by define_G with a list it makes (hint_list = []) and the options object."""

    def __init__(self, input_nc, output_nc, num_downs, opt, hint_list, ngf=64, norm_layer=nn.InstanceNorm2d):
        super().__init__()
        downs = []
        width = input_nc
        for i in range(num_downs):
            downs += [nn.Conv2d(width, ngf, 4, stride=2, padding=1, bias=False), norm_layer(ngf), nn.LeakyReLU(0.2)]
            width = ngf
        hint = HintLayer(opt.hint_strength)
        hint_list.append(hint)
        ups = [hint]
        for i in range(num_downs):
            ups += [nn.ConvTranspose2d(ngf, ngf, 4, stride=2, padding=1, bias=False), norm_layer(ngf), nn.ReLU()]
        self.model = nn.Sequential(*downs, *ups, nn.Conv2d(ngf, output_nc, 3, padding=1))

    def forward(self, x):
        return torch.tanh(self.model(x))
