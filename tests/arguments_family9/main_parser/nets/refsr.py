import torch.nn as nn


class RefSR(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.scale = args.sr_scale
        self.head = nn.Conv2d(args.input_nc, args.nf, 3, padding=1)
        self.up = nn.Sequential(nn.Conv2d(args.nf, args.nf * args.sr_scale ** 2, 3, padding=1),
                                nn.PixelShuffle(args.sr_scale))
        self.tail = nn.Conv2d(args.nf, args.input_nc, 3, padding=1)

    def forward(self, x):
        return self.tail(self.up(self.head(x)))
