import argparse

import nets.large as models

parser = argparse.ArgumentParser()
parser.add_argument('--arch', default='grouped_small')
parser.add_argument('--cardinality', type=int, default=4)
parser.add_argument('--base-width', type=int, default=2)


def main():
    args = parser.parse_args()
    model = models.__dict__[args.arch](baseWidth=args.base_width, cardinality=args.cardinality)
    return model


if __name__ == '__main__':
    main()
