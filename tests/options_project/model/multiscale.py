import torch.nn as nn


class PatchDiscriminator(nn.Module):
    @staticmethod
    def modify_commandline_options(parser, is_train):
        parser.add_argument("--n_layers_D", type=int, default=2)
        return parser

    def __init__(self, opt):
        super().__init__()
        layers = [nn.Conv2d(3, 16, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        for i in range(opt.n_layers_D):
            layers += [nn.Conv2d(16 * 2 ** i, 16 * 2 ** (i + 1), 4, 2, 1), nn.LeakyReLU(0.2, True)]
        layers += [nn.Conv2d(16 * 2 ** opt.n_layers_D, 1, 3, padding=1)]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class MultiscaleDiscriminator(nn.Module):
    """Its options: num_D from its own classmethod, n_layers_D from its sub-block's, which
    its classmethod calls; read in a method its constructor calls."""

    @classmethod
    def modify_commandline_options(cls, parser, is_train):
        parser.add_argument("--num_D", type=int, default=2)
        opt, _ = parser.parse_known_args()
        PatchDiscriminator.modify_commandline_options(parser, is_train)
        return parser

    def __init__(self, opt):
        super().__init__()
        for i in range(opt.num_D):
            self.add_module(f"discriminator_{i}", self.create_single_discriminator(opt))
        self.downsample = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)

    def create_single_discriminator(self, opt):
        return PatchDiscriminator(opt)

    def forward(self, x):
        results = []
        for child in self.children():
            if isinstance(child, PatchDiscriminator):
                results.append(child(x))
                x = self.downsample(x)
        return results
