import argparse

import torch


def get_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nfc", type=int, default=16)
    parser.add_argument("--ker_size", type=int, default=3)
    parser.add_argument("--num_layer", type=int, default=3)
    parser.add_argument("--grayscale", action="store_true")
    parser.add_argument("--not_cuda", action="store_true")
    return parser


def post_config(opt):
    # set once the command line is parsed
    opt.device = torch.device("cpu" if opt.not_cuda else "cuda:0")
    opt.nc_im = 1 if opt.grayscale else 3
    torch.manual_seed(0)
    return opt
