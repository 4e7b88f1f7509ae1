import argparse

import nets.small as models

parser = argparse.ArgumentParser()
parser.add_argument('--arch', default='grouped')
parser.add_argument('--depth', type=int, default=11, help='Model depth.')
parser.add_argument('--cardinality', type=int, default=2)
parser.add_argument('--widen-factor', type=int, default=2)


def main():
    args = parser.parse_args()
    model = models.__dict__[args.arch](cardinality=args.cardinality, depth=args.depth, num_classes=10,
                                       widen_factor=args.widen_factor)
    return model


if __name__ == '__main__':
    main()
