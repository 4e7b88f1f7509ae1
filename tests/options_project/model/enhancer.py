import torch.nn as nn


class Enhancer(nn.Module):
    def __init__(self, opt):
        super().__init__()
        layers = [nn.Conv2d(3, opt.ngf_local, 3, padding=1)]
        for _ in range(opt.n_local_enhancers):
            layers += [nn.ReLU(True), nn.Conv2d(opt.ngf_local, opt.ngf_local, 3, padding=1)]
        layers += [nn.ReLU(True), nn.Conv2d(opt.ngf_local, 3, 3, padding=1)]
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.body(x)
