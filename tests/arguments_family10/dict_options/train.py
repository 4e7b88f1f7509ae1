import argparse

from enhancer import GridEnhancer


def train(params):
    model = GridEnhancer(params)
    for _ in range(params['epochs']):
        model.train()


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--grid-depth', type=int, default=8)
    parser.add_argument('--feature-multiplier', type=int, default=2)
    parser.add_argument('--guide-width', type=int, default=16)
    parser.add_argument('--low-resolution', type=int, default=128)
    parser.add_argument('--epochs', type=int, default=10)
    parser.add_argument('--data', type=str, required=True)
    params = vars(parser.parse_args())
    train(params)
