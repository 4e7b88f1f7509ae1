import argparse

import torch.nn as nn


class StyleMapper(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(args.latent_size, args.style_size), nn.ReLU(),
                                 nn.Linear(args.style_size, args.style_size))

    def forward(self, z):
        return self.net(z)


def main(args):
    mapper = StyleMapper(args)
    print(mapper)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--latent_size", type=int, default=16)
    parser.add_argument("--style_size", type=int, default=64)
    parser.add_argument("--mode", type=str, required=True, choices=["train", "sample"])
    args = parser.parse_args()
    main(args)


def run():
    parser = argparse.ArgumentParser()
    parser.add_argument("--latent_size", type=int, default=16)
    parser.add_argument("--style_size", type=int, default=64)
    args = parser.parse_args()
    with open("trained.txt", "w") as log:
        log.write(str(StyleMapper(args)))
