from torch import nn


class ConvBlock(nn.Module):
    """A block the models build; not a model of its own."""

    def __init__(self, cin, cout, norm=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.norm = norm(cout)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.norm(self.conv(x)))
