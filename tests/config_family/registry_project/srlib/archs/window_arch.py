from torch import nn


class TinyWindowNet(nn.Module):
    """Selected by a key of its own in a JSON file (``"net_type": "tinyswin"``), the rest of
    its keyword arguments passed on through ``**kwargs``."""

    def __init__(self, in_chans, embed_dim, upscale=2, **kwargs):
        super().__init__()
        self.extra = dict(kwargs)
        self.embed = nn.Conv2d(in_chans, embed_dim, 3, padding=1)
        self.mix = nn.Conv2d(embed_dim, embed_dim, 3, padding=1)
        self.up = nn.Sequential(nn.Conv2d(embed_dim, in_chans * upscale * upscale, 3, padding=1),
                                nn.PixelShuffle(upscale))

    def forward(self, x):
        return self.up(self.mix(nn.functional.gelu(self.embed(x))))
