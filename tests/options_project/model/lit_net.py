from argparse import ArgumentParser

import torch.nn as nn


class LitNet(nn.Module):
    """Lightning style: its options in a child parser of the one it is given, in a group."""

    @staticmethod
    def add_model_specific_args(parent_parser):
        parser = ArgumentParser(parents=[parent_parser], add_help=False)
        group = parser.add_argument_group("LitNet")
        group.add_argument("--hidden_dim", type=int, default=40)
        return parser

    def __init__(self, hparams):
        super().__init__()
        self.l1 = nn.Linear(hparams.in_features, hparams.hidden_dim)
        self.l2 = nn.Linear(hparams.hidden_dim, 10)

    def forward(self, x):
        return self.l2(self.l1(x).relu())
