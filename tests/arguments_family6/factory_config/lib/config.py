from easydict import EasyDict as edict

config = edict()
config.MODEL = edict()
config.MODEL.NUM_LAYERS = 18
config.MODEL.WIDTH = 8
config.MODEL.NUM_JOINTS = 5
config.MODEL.PRETRAINED = ''
