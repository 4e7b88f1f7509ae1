import torch
from torch import nn


class TinyResNet(nn.Module):
    def __init__(self, widths=(16, 32)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, stride=2, padding=1, bias=False),
                                  nn.BatchNorm2d(widths[0]), nn.ReLU())
        self.layer1 = nn.Sequential(nn.Conv2d(widths[0], widths[1], 3, stride=2, padding=1, bias=False),
                                    nn.BatchNorm2d(widths[1]), nn.ReLU())

    def forward(self, x):
        return self.layer1(self.stem(x))


def tiny_resnet(pretrained=False, **kwargs):
    model = TinyResNet(**kwargs)
    if pretrained:
        model.load_state_dict(torch.load('checkpoints/tiny_resnet.pth'))
    return model
