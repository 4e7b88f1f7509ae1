import torch
import torch.nn as nn


class DownUpBlock(nn.Module):
    def __init__(self, outer_nc, inner_nc, submodule=None, outermost=False, opt=None):
        super().__init__()
        self.outermost = outermost
        down = [nn.Conv2d(outer_nc, inner_nc, 4, stride=2, padding=1, bias=False)]
        if opt.use_norm == 1:
            down.append(nn.InstanceNorm2d(inner_nc, affine=True))
        up_in = inner_nc * 2 if submodule is not None else inner_nc
        up = [nn.ReLU(), nn.ConvTranspose2d(up_in, outer_nc, 4, stride=2, padding=1)]
        if outermost:
            up.append(nn.Tanh())
        self.down = nn.Sequential(*down)
        self.submodule = submodule
        self.up = nn.Sequential(*up)

    def forward(self, x):
        y = self.down(x)
        if self.submodule is not None:
            y = self.submodule(y)
        y = self.up(y)
        return y if self.outermost else torch.cat([x, y], 1)


class OptionalUnet(nn.Module):
    """opt=None, read by the blocks it builds: it needs the project's options."""

    def __init__(self, input_nc, output_nc, num_downs, ngf=8, opt=None):
        super().__init__()
        block = DownUpBlock(ngf * 2, ngf * 2, opt=opt)
        for _ in range(num_downs - 3):
            block = DownUpBlock(ngf * 2, ngf * 2, block, opt=opt)
        block = DownUpBlock(ngf, ngf * 2, block, opt=opt)
        self.model = DownUpBlock(output_nc, ngf, block, outermost=True, opt=opt)

    def forward(self, x):
        return self.model(x)


class ResizeGenerator(nn.Module):
    """skip: no convention; the options give it (--skip)."""

    def __init__(self, opt, skip):
        super().__init__()
        self.skip = skip
        self.conv1 = nn.Conv2d(4 if opt.use_attention else 3, 8, 3, padding=1, bias=False)
        self.norm = nn.InstanceNorm2d(8, affine=True) if opt.use_norm == 1 else nn.Identity()
        self.relu = nn.LeakyReLU(0.2)
        self.conv2 = nn.Conv2d(8, 3, 3, padding=1)

    def forward(self, x):
        return self.conv2(self.relu(self.norm(self.conv1(x)))) + self.skip * x


class GuardedNet(nn.Module):
    """opt=None tested first: its defaults do."""

    def __init__(self, width=8, opt=None):
        super().__init__()
        if opt is not None and opt.use_norm:
            width = width * 2
        self.conv = nn.Conv2d(3, width, 3, padding=1, bias=False)
        self.bn = nn.InstanceNorm2d(width, affine=True)
        self.relu = nn.ReLU()
        self.out = nn.Conv2d(width, 3, 3, padding=1)

    def forward(self, x):
        return self.out(self.relu(self.bn(self.conv(x))))


def define_G(input_nc, output_nc, ngf, which_model_netG, opt=None):
    if which_model_netG == 'unet_small':
        net = OptionalUnet(input_nc, output_nc, 5, ngf, opt=opt)
    elif which_model_netG == 'resize':
        net = ResizeGenerator(opt, opt.skip)
    else:
        raise NotImplementedError(which_model_netG)
    return net


class ScaledBlock(nn.Module):
    def __init__(self, width, opt=None):
        super().__init__()
        self.scale = opt.skip if opt is not None else 1.0
        self.conv = nn.Conv2d(width, width, 3, padding=1)

    def forward(self, x):
        return x + self.scale * self.conv(x)


class CopingNet(nn.Module):
    """Its block copes with opt=None: its defaults build, and are used."""

    def __init__(self, width=8, opt=None):
        super().__init__()
        self.head = nn.Conv2d(3, width, 3, padding=1)
        self.block = ScaledBlock(width, opt)
        self.tail = nn.Conv2d(width, 3, 3, padding=1)

    def forward(self, x):
        return self.tail(self.block(self.head(x)))


class OptionsOnlyNet(nn.Module):
    """Nothing required, but opt=None read by its block: its defaults fail, the options build it."""

    def __init__(self, ngf=8, opt=None):
        super().__init__()
        self.model = DownUpBlock(3, ngf, DownUpBlock(ngf, ngf * 2, opt=opt), outermost=True, opt=opt)

    def forward(self, x):
        return self.model(x)
