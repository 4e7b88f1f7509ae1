import torch.nn as nn

from model import common


def make_model(args, parent=False):
    return SR(args)


class SR(nn.Module):
    def __init__(self, args, conv=common.default_conv):
        super().__init__()
        scale = args.scale[0]
        self.head = conv(args.n_colors, args.n_feats, 3)
        self.up = nn.Sequential(conv(args.n_feats, args.n_feats * scale ** 2, 3), nn.PixelShuffle(scale))
        self.tail = conv(args.n_feats, args.n_colors, 3)

    def forward(self, x):
        return self.tail(self.up(self.head(x)))
