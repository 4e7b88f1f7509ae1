import os

from yacs.config import CfgNode as CN

_C = CN()
_C.OUTPUT_DIR = os.path.join(os.getcwd(), "output")  # not run: a path of the machine
_C.GPUS = (0,)

_C.MODEL = CN(new_allowed=True)
_C.MODEL.NAME = "seg_net"
_C.MODEL.NUM_CLASSES = 19
_C.MODEL.WIDTH = 16
_C.MODEL.EXTRA = CN(new_allowed=True)
_C.MODEL.EXTRA.NUM_BLOCKS = 2
_C.MODEL.EXTRA.WIDTHS = [_C.MODEL.WIDTH, 2 * _C.MODEL.WIDTH]

_C.DATASET = CN()
_C.DATASET.ROOT = ""
_C.DATASET.NUM_CLASSES = _C.MODEL.NUM_CLASSES


def update_config(cfg, args):
    cfg.defrost()
    cfg.merge_from_file(args.cfg)
    cfg.freeze()
