"""Zero-argument factories for timm models, so the CLI can name them as targets:
``bench.zoo_timm:resnet18`` builds ``timm.create_model("resnet18")``."""

import timm


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    return lambda: timm.create_model(name)
