import argparse

parser = argparse.ArgumentParser(description="super-resolution")
parser.add_argument("--n_resblocks", type=int, default=4, help="number of residual blocks")
parser.add_argument("--n_feats", type=int, default=32, help="number of feature maps")
parser.add_argument("--res_scale", type=float, default=1.0)
parser.add_argument("--scale", type=str, default="2", help="super resolution scale")
parser.add_argument("--n_colors", type=int, default=3)
parser.add_argument("--data_train", type=str, default="DIV2K")

args = parser.parse_args()
args.scale = [int(s) for s in args.scale.split("+")]
