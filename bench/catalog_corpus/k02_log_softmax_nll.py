"""Clean: nn.LogSoftmax with nn.NLLLoss (the tutorial's char-RNN)."""
import torch
import torch.nn as nn


class RNN(nn.Module):
    def __init__(self, input_size=57, hidden_size=128, output_size=18):
        super().__init__()
        self.i2h = nn.Linear(input_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, x):
        return self.softmax(self.h2o(torch.tanh(self.i2h(x))))


rnn = RNN()
criterion = nn.NLLLoss()
for line, category in []:
    output = rnn(line)
    loss = criterion(output, category)
