from yacs.config import CfgNode as CN

_C = CN()
_C.OUTPUT_DIR = 'output'
_C.GPUS = (0,)
_C.WORKERS = 4

_C.MODEL = CN()
_C.MODEL.NAME = 'tiny_pose'
_C.MODEL.INIT_WEIGHTS = True
_C.MODEL.PRETRAINED = ''
_C.MODEL.NUM_JOINTS = 5
_C.MODEL.EXTRA = CN(new_allowed=True)

_C.DATASET = CN()
_C.DATASET.ROOT = ''


def update_config(cfg, args):
    cfg.defrost()
    cfg.merge_from_file(args.cfg)
    cfg.freeze()
