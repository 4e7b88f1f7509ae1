import torch.nn as nn


class Unit(nn.Module):
    def __init__(self, planes):
        super().__init__()
        self.conv = nn.Conv2d(planes, planes, 3, padding=1)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.conv(x) + x)


class TinyPoseNet(nn.Module):
    """Reads the experiment's sections of its configuration: cfg.MODEL.EXTRA."""

    def __init__(self, block, layers, cfg, **kwargs):
        super().__init__()
        extra = cfg.MODEL.EXTRA
        self.stem = nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.relu = nn.ReLU()
        self.body = nn.Sequential(*[block(8) for _ in range(sum(layers))])
        self.up = nn.ConvTranspose2d(8, extra.DECONV_FILTERS, 4, stride=2, padding=1)
        self.final = nn.Conv2d(extra.DECONV_FILTERS, cfg.MODEL.NUM_JOINTS, 1)

    def forward(self, x):
        x = self.body(self.relu(self.bn(self.stem(x))))
        return self.final(self.up(x))


SPECS = {10: (Unit, [1, 1]), 18: (Unit, [2, 2])}


def get_pose_net(cfg, is_train, **kwargs):
    block, layers = SPECS[cfg.MODEL.EXTRA.NUM_LAYERS]
    model = TinyPoseNet(block, layers, cfg, **kwargs)
    if is_train and cfg.MODEL.INIT_WEIGHTS:
        model.init_weights(cfg.MODEL.PRETRAINED)
    return model
