import torch
from torch import nn


class SplitConv(nn.Module):
    """A convolution whose channels are split by a ratio the configuration gives."""

    def __init__(self, in_ch, out_ch, ratio, kernel_size=3, stride=1, groups=1):
        super().__init__()
        local = int(out_ch * (1 - ratio))
        self.local = nn.Conv2d(in_ch, local, kernel_size, stride, kernel_size // 2, groups=groups)
        self.other = nn.Conv2d(in_ch, out_ch - local, kernel_size, stride, kernel_size // 2) \
            if local < out_ch else None
        self.norm = nn.InstanceNorm2d(out_ch)

    def forward(self, x):
        y = self.local(x)
        if self.other is not None:
            y = torch.cat([y, self.other(x)], 1)
        return torch.relu(self.norm(y))


class BigResNetGenerator(nn.Module):
    def __init__(self, in_ch, out_ch, width=64, blocks=9, conv_kwargs={}, down_kwargs={}):
        super().__init__()
        layers = [SplitConv(in_ch, width, **conv_kwargs),
                  SplitConv(width, width * 2, stride=2, **down_kwargs)]
        layers += [SplitConv(width * 2, width * 2, **conv_kwargs) for _ in range(blocks)]
        layers += [nn.Upsample(scale_factor=2), nn.Conv2d(width * 2, out_ch, 3, padding=1), nn.Tanh()]
        self.body = nn.Sequential(*layers)

    def forward(self, image):
        return self.body(image)


class PlainGenerator(nn.Module):
    def __init__(self, in_ch, out_ch, width=64):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(in_ch, width, 3, padding=1, bias=False), nn.InstanceNorm2d(width),
                                  nn.ReLU(), nn.Conv2d(width, out_ch, 3, padding=1))

    def forward(self, image):
        return self.body(image)


class Refiner(nn.Module):
    """Registered nowhere: the sections that name other classes are not its arguments."""

    def __init__(self, in_ch, out_ch, width=32):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(in_ch, width, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(width, out_ch, 3, padding=1))

    def forward(self, image):
        return image + self.body(image)
