from torch import nn

from srlib.utils.registry import ARCH_REGISTRY


@ARCH_REGISTRY.register(name="patch_d")
class PatchDiscriminator(nn.Module):
    """Registered under a key of its own; BatchNorm in a discriminator is ordinary."""

    def __init__(self, num_in_ch, num_feat):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(num_in_ch, num_feat, 3, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(num_feat, num_feat * 2, 3, 2, 1, bias=False), nn.BatchNorm2d(num_feat * 2), nn.LeakyReLU(0.2),
            nn.Conv2d(num_feat * 2, 1, 3, 1, 1))

    def forward(self, x):
        return self.net(x)
