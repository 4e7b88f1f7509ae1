import math

import torch
from torch import nn

from models.encoders import GradualEncoder


class StyleNet(nn.Module):
    """Options kept on self by a setter, read by the methods the constructor calls."""

    def __init__(self, opts):
        super().__init__()
        self.set_opts(opts)
        self.opts.n_styles = int(math.log(self.opts.output_size, 2)) * 2 - 2
        self.encoder = self.set_encoder()
        self.decoder = nn.Sequential(nn.Upsample(scale_factor=4), nn.Conv2d(self.opts.width * 2, 3, 3, padding=1))
        self.load_weights()

    def set_opts(self, opts):
        self.opts = opts

    def set_encoder(self):
        if self.opts.encoder_type == "Gradual":
            return GradualEncoder(self.opts)
        raise ValueError(f"{self.opts.encoder_type} is not a valid encoder")

    def load_weights(self):
        if self.opts.checkpoint_path is not None:
            self.load_state_dict(torch.load(self.opts.checkpoint_path, map_location="cpu"))

    def forward(self, x):
        return torch.tanh(self.decoder(self.encoder(x)))


class Restorer(nn.Module):
    """Options kept as self.args."""

    def __init__(self, args):
        super().__init__()
        self.args = args
        self.body = nn.Sequential(nn.Conv2d(self.args.input_nc, self.args.width, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(self.args.width, self.args.input_nc, 3, padding=1))

    def forward(self, x):
        return x + self.body(x)
