"""A segmentation network whose forward also returns its loss while training: it maps images to
label maps, so the backbone it builds stays a block."""
from torch import nn
from torch.nn import functional as F

from backbone import Backbone


class SegNet(nn.Module):
    def __init__(self, classes=5, criterion=nn.CrossEntropyLoss()):
        super().__init__()
        self.backbone = Backbone()
        self.classifier = nn.Conv2d(16, classes, 1)
        self.criterion = criterion

    def forward(self, x, y=None):
        out = F.interpolate(self.classifier(self.backbone(x)), size=x.shape[2:], mode="bilinear")
        if self.training and y is not None:
            main_loss = self.criterion(out, y)
            return out.max(1)[1], main_loss
        return out
