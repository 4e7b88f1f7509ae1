"""A decoder whose head shares one weight with the embedding (a parameter made once, registered
twice while the constructor still holds it), its depth read with .item()."""
import torch
from torch import nn


class TiedDecoder(nn.Module):
    def __init__(self, vocab=1000, dim=64):
        super().__init__()
        depth = int(torch.tensor(2.6).round().item())
        shared = nn.Parameter(torch.randn(vocab, dim) * 0.02)
        self.embed = nn.Embedding(vocab, dim)
        self.embed.weight = shared
        self.layers = nn.Sequential(*[nn.TransformerEncoderLayer(dim, 4, 4 * dim, batch_first=True)
                                      for _ in range(depth)])
        self.head = nn.Linear(dim, vocab, bias=False)
        self.head.weight = shared

    def forward(self, tokens):
        return self.head(self.layers(self.embed(tokens)))
