import sys

import torch.nn as nn


class Probe(nn.Module):
    """Built last: its output width is the number of times the options files were read."""

    def __init__(self, args):
        super().__init__()
        self.fc = nn.Linear(args.n_colors, sys.options_imports)

    def forward(self, x):
        return self.fc(x)
