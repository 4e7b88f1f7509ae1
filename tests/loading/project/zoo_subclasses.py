"""Models on other libraries' classes, which the ast scan cannot tell are nn.Modules: no
class of this file is listed before the file is imported."""

import backbones
import segmentation_models_pytorch as smp
import yaml
from efficientnet_pytorch import EfficientNet as ZooEfficientNet
from torch import nn


class Restorer(smp.Unet):
    """A U-Net of segmentation_models_pytorch used as a whole model."""

    def __init__(self):
        super().__init__(encoder_name="mobilenet_v2", encoder_weights=None, in_channels=3, classes=3,
                         encoder_depth=3, decoder_channels=(32, 16, 8))


class TinyEfficientNet(ZooEfficientNet):
    def __init__(self):
        blocks, params = __import__("efficientnet_pytorch.utils", fromlist=["x"]).get_model_params(
            "efficientnet-b0", {"num_classes": 10, "image_size": 64})
        super().__init__(blocks[:2], params)


class Head(backbones.Layer):
    """A block: Classifier builds it."""


class Classifier(backbones.Backbone):
    def __init__(self):
        super().__init__(width=8)
        self.head = Head(8)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        return self.fc(self.head(super().forward(x)).mean((2, 3)))


class SettingsLoader(yaml.SafeLoader):
    """Not an nn.Module: no report about it."""
