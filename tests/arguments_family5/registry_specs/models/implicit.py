from torch import nn

from . import registry
from .registry import register


@register("implicit-sr")
class ImplicitSR(nn.Module):
    """Specs of the registry for its parts: the encoder's, the per-pixel decoder's."""

    def __init__(self, encoder_spec, imnet_spec=None):
        super().__init__()
        self.encoder = registry.make(encoder_spec)
        self.imnet = registry.make(imnet_spec, args={"in_dim": self.encoder.out_dim}) if imnet_spec else None

    def forward(self, inp):
        feat = self.encoder(inp)
        if self.imnet is None:
            return feat
        return self.imnet(feat.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
