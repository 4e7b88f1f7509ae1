import os.path as osp

from easydict import EasyDict as edict

__C = edict()
cfg = __C

__C.DATA_DIR = osp.abspath(osp.join(osp.dirname(__file__), "data"))  # not run

__C.NET = edict()
__C.NET.IN_CH = 3
__C.NET.CHANNELS = [16, 32]
__C.NET.NUM_CLASSES = 5

__C.TRAIN = edict({"LR": 0.01, "BATCH": 8})
