import argparse

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--model-backbone", type=str, default="resnet101")
parser.add_argument("--checkpoint", type=str, default="checkpoint.pth")


def main():
    args = parser.parse_args()
    state = torch.load(args.checkpoint, map_location="cpu")
    torch.save({"backbone": args.model_backbone, "state": state}, "exported.pth")


if __name__ == "__main__":
    main()
