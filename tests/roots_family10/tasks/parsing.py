"""Forwards that return several outputs: a parsing network that also returns the restored face
(both trained) is image-to-image; a segmenter that returns its logits and its input as it came,
or its logits and a feature map, stays a segmentation model."""

from torch import nn


def conv_bn(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(True))


class ParseNet(nn.Module):
    def __init__(self, parsing_classes=19):
        super().__init__()
        self.body = nn.Sequential(conv_bn(3, 32), conv_bn(32, 32))
        self.out_parse = nn.Conv2d(32, parsing_classes, 3, padding=1)
        self.out_image = nn.Sequential(nn.Conv2d(32, 3, 3, padding=1), nn.Tanh())

    def forward(self, x):
        features = self.body(x)
        return self.out_parse(features), self.out_image(features)


class SegmenterWithInput(nn.Module):
    def __init__(self, num_classes=21):
        super().__init__()
        self.body = nn.Sequential(conv_bn(3, 32), conv_bn(32, 32))
        self.head = nn.Conv2d(32, num_classes, 1)

    def forward(self, image):
        return self.head(self.body(image)), image


class SegmenterWithFeatures(nn.Module):
    def __init__(self, num_classes=21):
        super().__init__()
        self.body = nn.Sequential(conv_bn(3, 32), conv_bn(32, 32))
        self.head = nn.Conv2d(32, num_classes, 1)

    def forward(self, image):
        features = self.body(image)
        return self.head(features), features
