import torch

from models.style_net import StyleNet
from options.test_options import TestOptions


def run(test_opts):
    ckpt = torch.load(test_opts.checkpoint_path, map_location="cpu")
    opts = ckpt["opts"]
    opts.update(vars(test_opts))
    net = StyleNet(opts)
    return net


if __name__ == "__main__":
    run(TestOptions().parse())
