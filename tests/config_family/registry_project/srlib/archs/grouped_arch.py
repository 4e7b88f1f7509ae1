from torch import nn

from srlib.utils.registry import ARCH_REGISTRY


@ARCH_REGISTRY.register()
class GroupedEnhancer(nn.Module):
    """Its defaults do not build (31 features in 4 groups): the training options' 32 do."""

    def __init__(self, in_channels=3, out_channels=3, n_feat=31, groups=4):
        super().__init__()
        self.head = nn.Conv2d(in_channels, n_feat, 3, padding=1)
        self.body = nn.Conv2d(n_feat, n_feat, 3, padding=1, groups=groups)
        self.tail = nn.Conv2d(n_feat, out_channels, 3, padding=1)

    def forward(self, x):
        return x + self.tail(self.body(self.head(x)))
