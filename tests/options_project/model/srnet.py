import torch.nn as nn

from model import common


def make_model(args, parent=False):
    return SRNet(args)


class SRNet(nn.Module):
    def __init__(self, args, conv=common.default_conv):
        super().__init__()
        n_feats = args.n_feats
        kernel_size = 3
        scale = args.scale[0]
        self.head = conv(args.n_colors, n_feats, kernel_size)
        self.body = nn.Sequential(*[common.ResBlock(conv, n_feats, kernel_size, res_scale=args.res_scale)
                                    for _ in range(args.n_resblocks)])
        self.tail = nn.Sequential(common.Upsampler(conv, scale, n_feats), conv(n_feats, args.n_colors, kernel_size))

    def forward(self, x):
        x = self.head(x)
        return self.tail(x + self.body(x))
