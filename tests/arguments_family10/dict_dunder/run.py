import sys

import missing_training_helpers  # not installed: the script does not import

from denoise_net import Denoiser

if __name__ == '__main__':
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument('--channels', type=int, default=1)
    parser.add_argument('--width', type=int, default=24)
    parser.add_argument('--depth', type=int, default=3)
    parser.add_argument('--noise-level', type=float, default=25.0)
    opt = parser.parse_args()
    net = Denoiser(opt.__dict__)
    missing_training_helpers.fit(net, sys.argv)
