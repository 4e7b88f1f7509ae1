from torch import nn


class GrowingGenerator(nn.Module):
    """Reads ``opt.train_mode``, which only the training script's parser adds (after taking
    the project's parser from ``get_arguments()``), and ``opt.nc_im``, which the function
    the script gives the parsed options to sets."""

    def __init__(self, opt):
        super().__init__()
        self.head = nn.Conv2d(opt.nc_im, opt.nfc, opt.ker_size, padding=opt.ker_size // 2)
        depth = opt.num_layer if opt.train_mode == "generation" else 1
        self.body = nn.Sequential(*[layer for _ in range(depth) for layer in (
            nn.Conv2d(opt.nfc, opt.nfc, opt.ker_size, padding=opt.ker_size // 2), nn.LeakyReLU(0.2))])
        self.tail = nn.Conv2d(opt.nfc, opt.nc_im, opt.ker_size, padding=opt.ker_size // 2)

    def forward(self, x):
        return self.tail(self.body(self.head(x)))


class Refiner(nn.Module):
    """Reads ``opt.refine_steps``, which the evaluation script adds to ``helpers.make_parser()``'s parser."""

    def __init__(self, opt):
        super().__init__()
        self.steps = nn.ModuleList([nn.Conv2d(3, 3, 3, padding=1) for _ in range(opt.refine_steps)])
        self.width = opt.nfc

    def forward(self, x):
        for step in self.steps:
            x = x + step(x)
        return x
