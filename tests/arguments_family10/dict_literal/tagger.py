import torch
from torch import nn


class SequenceTagger(nn.Module):
    """Tags each token; its sizes come in a dict."""

    def __init__(self, config):
        super().__init__()
        self.embed = nn.Embedding(config['vocab_size'], config['embed_dim'])
        self.rnn = nn.GRU(config['embed_dim'], config['hidden'], batch_first=True)
        self.out = nn.Linear(config['hidden'], config['num_tags'])

    def forward(self, tokens):
        hidden, _ = self.rnn(self.embed(tokens))
        return self.out(hidden)
