"""A forward whose shapes depend on values (it must run on the CPU) beside a 1B-parameter
auxiliary head that only training uses: only the layers the forward runs get weights."""
import torch
from torch import nn


class KeepsTopTokens(nn.Module):
    def __init__(self, dim=64, aux=32768, classes=10):
        super().__init__()
        self.embed = nn.Conv2d(3, dim, 4, 4)
        self.score = nn.Linear(dim, 1)
        self.head = nn.Linear(dim, classes)
        self.aux = nn.Linear(aux, aux)  # a training-time head

    def forward(self, x):
        tokens = self.embed(x).flatten(2).transpose(1, 2)
        keep = int((self.score(tokens) > -1e9).sum().item()) // x.shape[0]
        return self.head(tokens[:, :max(keep // 2, 1)].mean(1))
