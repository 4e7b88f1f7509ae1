import torch.nn as nn


class BaseNetwork(nn.Module):
    @staticmethod
    def modify_commandline_options(parser, is_train):
        return parser


class LabelGenerator(BaseNetwork):
    """Reads an option of its own (n_blocks), one whose default it changes (gan_ngf), and
    what the options' parse() sets after parsing (semantic_nc, gpu_ids, isTrain)."""

    @staticmethod
    def modify_commandline_options(parser, is_train):
        parser.add_argument("--n_blocks", type=int, default=3)
        parser.set_defaults(gan_ngf=12)
        return parser

    def __init__(self, opt):
        super().__init__()
        ngf = opt.gan_ngf
        layers = [nn.Conv2d(opt.semantic_nc, ngf, 3, padding=1), nn.InstanceNorm2d(ngf), nn.ReLU(True)]
        for _ in range(opt.n_blocks):
            layers += [nn.Conv2d(ngf, ngf, 3, padding=1), nn.InstanceNorm2d(ngf), nn.ReLU(True)]
        layers += [nn.Conv2d(ngf, 3, 3, padding=1), nn.Tanh()]
        self.model = nn.Sequential(*layers)
        if opt.isTrain and len(opt.gpu_ids) > 0:  # "0" as parsed: parse() makes it a list of ids
            self.model.cuda(opt.gpu_ids[0])

    def forward(self, label):
        return self.model(label)
