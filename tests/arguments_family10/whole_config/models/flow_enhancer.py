from torch import nn


def opt_get(opt, keys, default=None):
    for key in keys:
        opt = opt.get(key) if opt is not None else None
    return default if opt is None else opt


class FlowEnhancer(nn.Module):
    """Its own keyword arguments from the network_G section, the whole options besides."""

    def __init__(self, in_nc, nf, gc=8, opt=None):
        super().__init__()
        levels = opt_get(opt, ['network_G', 'flow', 'levels'])
#        levels = 3  (tried once, kept at column 0)
        self.scale = opt['scale']
        self.clamp = opt['clamp_output'] if opt['clamp_output'] is not None else False
        layers = [nn.Conv2d(in_nc, nf, 3, padding=1), nn.ReLU()]
        for _ in range(levels):
            layers += [nn.Conv2d(nf, nf, 3, padding=1), nn.ReLU()]
        layers += [nn.Conv2d(nf, in_nc * self.scale ** 2, 3, padding=1), nn.PixelShuffle(self.scale)]
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        out = self.body(x)
        return out.clamp(0, 1) if self.clamp else out
