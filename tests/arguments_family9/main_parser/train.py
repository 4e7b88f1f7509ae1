import argparse

from nets.refsr import RefSR


def train(net, args):
    for epoch in range(args.epochs):
        pass


def main():
    parser = argparse.ArgumentParser(description="reference-based SR")
    parser.add_argument("--sr_scale", default=2, type=int)
    parser.add_argument("--input_nc", default=3, type=int)
    parser.add_argument("--nf", default=16, type=int)
    parser.add_argument("--epochs", default=10, type=int)
    args = parser.parse_args()
    net = RefSR(args)
    train(net, args)


if __name__ == "__main__":
    main()
