"""A Glow-style normalizing flow: an LU-decomposed invertible 1x1 convolution initialized with
scipy.linalg (not installed here), an activation normalization initialized from the first batch
it sees, additive couplings between squeezes."""
import numpy as np
import torch
from scipy import linalg as la
from torch import nn
from torch.nn import functional as F


class ActNorm(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.loc = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.log_scale = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.register_buffer("ready", torch.tensor(0, dtype=torch.uint8))

    def forward(self, x):
        if self.ready.item() == 0:  # data-dependent initialization from the first batch
            with torch.no_grad():
                self.loc.data.copy_(-x.mean(dim=(0, 2, 3), keepdim=True))
                self.log_scale.data.copy_(-torch.log(x.std(dim=(0, 2, 3), keepdim=True) + 1e-6))
            self.ready.fill_(1)
        return (x + self.loc) * torch.exp(self.log_scale), self.log_scale.sum() * x.shape[2] * x.shape[3]


class InvertibleLU(nn.Module):
    def __init__(self, channels):
        super().__init__()
        q, _ = la.qr(np.random.randn(channels, channels))
        p, lower, upper = la.lu(q.astype(np.float32))
        self.register_buffer("p", torch.from_numpy(p.copy()))
        self.register_buffer("mask", torch.from_numpy(np.triu(np.ones_like(upper), 1)))
        self.lower = nn.Parameter(torch.from_numpy(lower.copy()))
        self.upper = nn.Parameter(torch.from_numpy(np.triu(upper, 1)))
        self.log_s = nn.Parameter(torch.from_numpy(np.log(np.abs(np.diag(upper))).copy()))

    def forward(self, x):
        eye = torch.eye(self.lower.shape[0], device=x.device)
        weight = self.p @ (self.lower * self.mask.T + eye) @ (self.upper * self.mask + torch.diag(self.log_s.exp()))
        return F.conv2d(x, weight[:, :, None, None]), self.log_s.sum() * x.shape[2] * x.shape[3]


class Coupling(nn.Module):
    def __init__(self, channels, hidden=16):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(channels // 2, hidden, 3, padding=1), nn.ReLU(),
                                 nn.Conv2d(hidden, channels // 2, 3, padding=1))

    def forward(self, x):
        a, b = x.chunk(2, 1)
        return torch.cat([a, b + self.net(a)], 1)


class Step(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.norm = ActNorm(channels)
        self.mix = InvertibleLU(channels)
        self.coupling = Coupling(channels)

    def forward(self, x):
        x, logdet_norm = self.norm(x)
        x, logdet_mix = self.mix(x)
        return self.coupling(x), logdet_norm + logdet_mix


class Glow(nn.Module):
    def __init__(self, in_channel, n_flow, n_block):
        super().__init__()
        self.levels = nn.ModuleList()
        channels = in_channel
        for _ in range(n_block):
            channels *= 4
            self.levels.append(nn.ModuleList([Step(channels) for _ in range(n_flow)]))

    def forward(self, x, reverse=False):
        logdet = 0
        for steps in self.levels:
            b, c, h, w = x.shape
            x = x.view(b, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(b, c * 4, h // 2, w // 2)
            for step in steps:
                x, change = step(x)
                logdet = logdet + change
        return x, logdet
