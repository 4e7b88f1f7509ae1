import torch.nn as nn


class MultiKernel(nn.Module):
    """Reads kernels, a string ("3,5") that the options' parse() turns into a list with a
    function of the project (kernel_list): as parsed, its defaults do not build."""

    def __init__(self, opt):
        super().__init__()
        self.branches = nn.ModuleList([nn.Conv2d(3, opt.gan_ngf, k, padding=k // 2) for k in opt.kernels])

    def forward(self, x):
        return sum(branch(x) for branch in self.branches)
