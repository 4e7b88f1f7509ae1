import argparse

import torch

import nets


def parse_args():
    parser = argparse.ArgumentParser(description="stylize")
    parser.add_argument("--alpha", type=float, default=0.6)
    parser.add_argument("--palette-file", default="palette.txt")
    return parser.parse_args()


def read_palette(path):
    with open(path) as f:
        return [line.split() for line in f]


def check(args):
    assert 0 <= args.alpha <= 1
    return args


def main():
    args = check(parse_args())
    if torch.cuda.is_available():
        args.device = torch.device("cuda:0")
    else:
        args.device = torch.device("cpu")
    args.use_cuda = torch.cuda.is_available()
    args.palette = read_palette(args.palette_file)
    stylizer = nets.Stylizer(args)
    blender = nets.Blender(args)
    return stylizer, blender


if __name__ == "__main__":
    main()
