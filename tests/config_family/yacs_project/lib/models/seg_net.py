from torch import nn
import torch.nn.functional as F


class Stage(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class SegNet(nn.Module):
    """A segmentation network sized by the project's yacs defaults (``cfg.MODEL.EXTRA``)."""

    def __init__(self, config, **kwargs):
        super().__init__()
        extra = config.MODEL.EXTRA
        self.stem = Stage(3, config.MODEL.WIDTH)
        stages, cin = [], config.MODEL.WIDTH
        for i in range(extra.NUM_BLOCKS):
            cout = extra.WIDTHS[min(i, len(extra.WIDTHS) - 1)]
            stages.append(Stage(cin, cout))
            cin = cout
        self.stages = nn.Sequential(*stages)
        self.head = nn.Conv2d(cin, config.MODEL.NUM_CLASSES, 1)

    def forward(self, x):
        size = x.shape[-2:]
        y = self.head(self.stages(self.stem(x)))
        return F.interpolate(y, size=size, mode="bilinear", align_corners=False)


def get_seg_model(cfg, **kwargs):
    return SegNet(cfg, **kwargs)
