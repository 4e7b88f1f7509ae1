import json
import sys

from easydict import EasyDict

from models import LabelHead, StemEncoder


def build(cfg):
    return LabelHead(**cfg['network'])


def main(path):
    cfg = EasyDict(json.load(open(path)))
    encoder = StemEncoder(**cfg.encoder)
    return build(cfg), encoder


if __name__ == "__main__":
    main(sys.argv[1])
