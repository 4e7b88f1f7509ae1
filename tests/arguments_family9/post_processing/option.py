import argparse

import template

parser = argparse.ArgumentParser(description="super-resolution")
parser.add_argument("--template", default=".")
parser.add_argument("--scale", type=str, default="2+3")
parser.add_argument("--n_resblocks", type=int, default=2)
parser.add_argument("--n_feats", type=int, default=16)
parser.add_argument("--rgb_range", type=int, default=255)
parser.add_argument("--n_colors", type=int, default=3)
parser.add_argument("--precision", type=str, default="single", choices=("single", "half"))
args = parser.parse_args()
template.set_template(args)

args.scale = list(map(lambda x: int(x), args.scale.split("+")))
