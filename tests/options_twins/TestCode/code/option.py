import argparse
import sys

import template

parser = argparse.ArgumentParser(description="TestCode")
parser.add_argument("--template", default=".")
parser.add_argument("--n_feats", type=int, default=8)
parser.add_argument("--n_colors", type=int, default=3)
parser.add_argument("--scale", type=str, default="2")

args = parser.parse_args()
template.set_template(args)
args.scale = list(map(lambda x: int(x), args.scale.split("+")))

# how often the options were read in this process: the tests' probe model shows it
sys.options_imports = getattr(sys, "options_imports", 0) + 1
