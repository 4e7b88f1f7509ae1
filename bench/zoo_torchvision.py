"""Zero-argument factories for torchvision builders without any weights, so that netlint and
the CPU build it is compared with construct the same model:
``bench.zoo_torchvision:fasterrcnn_resnet50_fpn``."""

import torchvision


def build(name: str):
    kwargs = {"weights": None}
    if name in torchvision.models.list_models(module=torchvision.models.detection) + \
            torchvision.models.list_models(module=torchvision.models.segmentation):
        kwargs["weights_backbone"] = None
    return torchvision.models.get_model(name, **kwargs)


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    return lambda: build(name)
