import argparse


def parse_command():
    parser = argparse.ArgumentParser()
    parser.add_argument('--head', default='wide', choices=['wide', 'slim'])
    parser.add_argument('--epochs', type=int, default=5)
    args = parser.parse_args()
    if args.epochs < 1:
        args.epochs = 1
    return args
