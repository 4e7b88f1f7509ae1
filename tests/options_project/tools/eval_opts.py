import argparse

parser = argparse.ArgumentParser(description="evaluation")
parser.add_argument("--checkpoint", type=str, required=True)
parser.add_argument("--refine_blocks", type=int, default=3)
parser.add_argument("--refine_width", type=int, default=24)
args = parser.parse_args()
