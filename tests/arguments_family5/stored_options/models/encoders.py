from torch import nn


class GradualEncoder(nn.Module):
    def __init__(self, opts):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(opts.input_nc, opts.width, 3, stride=2, padding=1), nn.PReLU(),
                                  nn.Conv2d(opts.width, opts.width * 2, 3, stride=2, padding=1))

    def forward(self, x):
        return self.body(x)
