from torch import nn

from .registry import register


@register("tiny-edsr")
class TinyEDSR(nn.Module):
    def __init__(self, n_feats=64, n_blocks=4, no_upsampling=False):
        super().__init__()
        self.head = nn.Conv2d(3, n_feats, 3, padding=1)
        self.body = nn.Sequential(*[nn.Sequential(nn.Conv2d(n_feats, n_feats, 3, padding=1), nn.ReLU())
                                    for _ in range(n_blocks)])
        self.out_dim = n_feats
        self.tail = None if no_upsampling else nn.Sequential(nn.Conv2d(n_feats, 12, 3, padding=1), nn.PixelShuffle(2))

    def forward(self, x):
        x = self.head(x)
        x = x + self.body(x)
        return x if self.tail is None else self.tail(x)
