import argparse

import yaml

from nets.detector import PointDetector
from nets.generator import FrameGenerator


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    with open(args.config) as f:
        config = yaml.load(f, Loader=yaml.FullLoader)
    model_params = config['model']
    generator = FrameGenerator(**model_params['generator'], **model_params['common'])
    detector = PointDetector(**config['model']['detector'], **config['model']['common'])
    return generator, detector


if __name__ == "__main__":
    main()
