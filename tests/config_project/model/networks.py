import torch
import torch.nn as nn


class Generator(nn.Module):
    """Built by the trainer as Generator(config['netG'], use_cuda, device_ids)."""

    def __init__(self, config, use_cuda, device_ids):
        super().__init__()
        self.input_dim = config['input_dim']
        self.cnum = config['ngf']
        n_res = config.get('n_res', 4)
        self.use_cuda = use_cuda
        self.device_ids = device_ids
        layers = [nn.Conv2d(self.input_dim + 1, self.cnum, 5, padding=2), nn.ELU()]
        for _ in range(n_res):
            layers += [nn.Conv2d(self.cnum, self.cnum, 3, padding=1), nn.ELU()]
        layers += [nn.Conv2d(self.cnum, self.input_dim, 3, padding=1)]
        self.body = nn.Sequential(*layers)
        if self.use_cuda:
            self.body = self.body.cuda(device_ids[0])

    def forward(self, x, mask):
        return self.body(torch.cat([x, mask], 1))


class Discriminator(nn.Module):
    def __init__(self, config, use_cuda=True, device_ids=None):
        super().__init__()
        cnum = config['ndf']
        self.features = nn.Sequential(
            nn.Conv2d(config['input_dim'], cnum, 5, 2, 2), nn.LeakyReLU(0.2),
            nn.Conv2d(cnum, cnum * 2, 5, 2, 2), nn.LeakyReLU(0.2))
        self.linear = nn.Linear(cnum * 2 * 16 * 16, 1)

    def forward(self, x):
        return self.linear(self.features(x).flatten(1))
