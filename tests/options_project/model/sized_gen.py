import torch.nn as nn


class SizedGenerator(nn.Module):
    """Reads crop_size, which only the dataset's modify_commandline_options adds."""

    def __init__(self, opt):
        super().__init__()
        self.side = opt.crop_size // 8
        self.fc = nn.Linear(16, opt.gan_ngf * self.side ** 2)

    def forward(self, z):
        return self.fc(z)
