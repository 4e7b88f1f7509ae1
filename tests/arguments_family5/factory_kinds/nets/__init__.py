import logging

from nets.discriminators import MultiPatchDiscriminator
from nets.generators import BigResNetGenerator, PlainGenerator

DISCRIMINATORS = {
    "patch_multi": MultiPatchDiscriminator,
}


def make_generator(config, kind, **kwargs):
    logging.info("making generator %s", kind)
    if kind == "big_resnet":
        return BigResNetGenerator(**kwargs)
    if kind == "plain":
        return PlainGenerator(**kwargs)
    raise ValueError(f"unknown generator kind {kind}")


def make_discriminator(kind, **kwargs):
    return DISCRIMINATORS[kind](**kwargs)
