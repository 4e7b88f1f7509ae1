"""Decoders run one step at a time: a token a sample, and the hidden state of the GRU or RNN they give
it to as their second input (layers × directions, batch, hidden size)."""

import torch
from torch import nn


class TokenStepDecoder(nn.Module):
    def __init__(self, hidden_size=64, vocab_size=100):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, token, hidden):
        step = self.embedding(token).view(1, 1, -1)
        output, hidden = self.gru(torch.relu(step), hidden)
        return self.out(output[0]), hidden


class StackedStateDecoder(nn.Module):
    def __init__(self, vocab=50, embed=32, hidden=48, layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.rnn = nn.RNN(embed, hidden, layers, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, vocab)

    def forward(self, tokens, last_hidden):
        output, hidden = self.rnn(self.embed(tokens), hx=last_hidden)
        return self.out(output), hidden
