"""Drop-path rates read with .item() from a linspace, a relative position index from arange kept
as a buffer, a learned scale made from a list: built once, its values on the CPU."""
import torch
from torch import nn


class DropPath(nn.Module):
    def __init__(self, rate=0.0):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        if not self.training or self.rate == 0.0:
            return x
        keep = torch.rand(x.shape[0], 1, 1, device=x.device) >= self.rate
        return x * keep / (1 - self.rate)


class Block(nn.Module):
    def __init__(self, dim, rate, window=4):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.mix = nn.Linear(dim, dim)
        self.drop_path = DropPath(rate)
        coords = torch.stack(torch.meshgrid(torch.arange(window), torch.arange(window), indexing="ij")).flatten(1)
        relative = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + window - 1
        self.register_buffer("relative_index", relative[..., 0] * (2 * window - 1) + relative[..., 1])
        self.gamma = nn.Parameter(torch.tensor([1e-5] * dim))

    def forward(self, x):
        return x + self.drop_path(self.gamma * self.mix(self.norm(x)))


class StochasticDepthNet(nn.Module):
    def __init__(self, dim=64, depth=6, max_rate=0.2, classes=10):
        super().__init__()
        rates = [r.item() for r in torch.linspace(0, max_rate, depth)]
        self.embed = nn.Conv2d(3, dim, 4, stride=4)
        self.blocks = nn.Sequential(*[Block(dim, rate) for rate in rates])
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        tokens = self.embed(x).flatten(2).transpose(1, 2)
        return self.head(self.blocks(tokens).mean(1))
