import torch.nn as nn


def make_model(args, parent=False):
    return SuperResolver(args)


class SuperResolver(nn.Module):
    """Reads the scale the options' post-processing made a list, and one option no parser
    defines (n_extra_blocks: guessed)."""

    def __init__(self, args):
        super().__init__()
        scale = args.scale[0]
        self.head = nn.Conv2d(args.n_colors, args.n_feats, 3, padding=1)
        self.body = nn.Sequential(*[nn.Sequential(nn.Conv2d(args.n_feats, args.n_feats, 3, padding=1), nn.ReLU())
                                    for _ in range(args.n_resblocks * args.n_extra_blocks)])
        self.tail = nn.Sequential(nn.Conv2d(args.n_feats, args.n_feats * scale * scale, 3, padding=1),
                                  nn.PixelShuffle(scale), nn.Conv2d(args.n_feats, args.n_colors, 3, padding=1))
        self.range = args.rgb_range

    def forward(self, x):
        return self.tail(self.body(self.head(x)))
