import torch.nn as nn


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.conv = nn.Conv2d(width, width, 3, padding=1)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.conv(x)) + x


spec = {18: (Block, [1, 1]), 34: (Block, [2, 2])}


class PoseNet(nn.Module):
    """Built only by get_pose_net(cfg, is_train), from a block and depths its table gives."""

    def __init__(self, block, layers, cfg):
        super().__init__()
        width = cfg.MODEL.WIDTH
        self.stem = nn.Conv2d(3, width, 3, stride=2, padding=1)
        self.stages = nn.Sequential(*[block(width) for n in layers for _ in range(n)])
        self.joints = nn.Conv2d(width, cfg.MODEL.NUM_JOINTS, 1)

    def forward(self, x):
        return self.joints(self.stages(self.stem(x)))

    def init_weights(self, path):
        raise NotImplementedError(path)


def get_pose_net(cfg, is_train, **kwargs):
    block, layers = spec[cfg.MODEL.NUM_LAYERS]
    model = PoseNet(block, layers, cfg, **kwargs)
    if is_train:
        model.init_weights(cfg.MODEL.PRETRAINED)
    return model
