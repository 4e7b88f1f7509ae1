import argparse
import os


def kernel_list(text):
    return [int(k) for k in text.split(",")]


class GANOptions:
    """pix2pix-style options: each network adds its own with modify_commandline_options, and
    parse() sets what the networks read (semantic_nc, gpu_ids, isTrain). parse() makes a
    checkpoints folder: netlint never runs it."""

    def __init__(self):
        self.initialized = False

    def initialize(self, parser):
        parser.add_argument("--label_nc", type=int, default=5, help="label classes")
        parser.add_argument("--no_instance", action="store_true", help="no instance map as input")
        parser.add_argument("--gpu_ids", type=str, default="0", help="0  0,1,2  -1 for CPU")
        parser.add_argument("--gan_ngf", type=int, default=8)
        parser.add_argument("--kernels", type=str, default="3,5", help="kernel sizes of the multi-kernel head")
        parser.add_argument("--checkpoints_dir", type=str, default="./checkpoints")
        self.isTrain = True
        self.initialized = True
        return parser

    def gather_options(self):
        parser = self.initialize(argparse.ArgumentParser())
        opt, _ = parser.parse_known_args()
        self.print_options(opt)
        from model.label_gen import LabelGenerator

        parser = LabelGenerator.modify_commandline_options(parser, self.isTrain)
        return parser.parse_args()

    def print_options(self, opt):
        print(opt)

    def parse(self):
        opt = self.gather_options()
        opt.isTrain = self.isTrain
        opt.semantic_nc = opt.label_nc + (0 if opt.no_instance else 1)
        str_ids = opt.gpu_ids.split(",")
        opt.gpu_ids = []
        for str_id in str_ids:
            if int(str_id) >= 0:
                opt.gpu_ids.append(int(str_id))
        opt.kernels = kernel_list(opt.kernels)
        os.makedirs(os.path.join(opt.checkpoints_dir, "gan"), exist_ok=True)
        return opt
