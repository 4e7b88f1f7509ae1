"""Constructor arguments guessed from the conventional meaning of their names, for a model
whose project shows no call of it. A guess is reported as one; a guess that does not build
is a skip, never an error."""

from __future__ import annotations

import inspect
from typing import Any

# Each convention: the words of a parameter name ("n_classes" → n, classes) that give it
# its meaning, and the value of a common configuration (RGB images, widths of 64, a few
# blocks). The first convention whose words the name contains wins.
CLASS_WORDS = {"classes", "class", "nclass", "nclasses", "cls", "labels", "num_labels"}
_CHANNEL_WORDS = {"channels", "channel", "chans", "ch", "nc", "planes", "colors"}
CONVENTIONS: tuple[tuple[str, set[str], Any], ...] = (
    ("a class count", CLASS_WORDS, 10),
    ("a patch size", {"patch"}, 4),
    ("an image size", {"size", "shape", "resolution", "res", "height", "side"}, 64),
    ("a latent size", {"latent", "nz", "z", "noise"}, 100),
    ("a scale factor", {"scale", "upscale", "upscale_factor", "scale_factor", "upscaling"}, 2),
    ("a number of heads", {"heads", "head", "nhead", "nheads"}, 4),
    ("a depth", {"blocks", "block", "layers", "nlayers", "nb", "depth", "resblocks", "stages", "repeat"}, 2),
    ("a width", {"nf", "ngf", "ndf", "ninp", "nhid", "feats", "features", "dim", "width", "hidden", "filters", "gc",
                 "embed", "d_model", "mid", "base", "inner"}, 64),
    ("a channel count", _CHANNEL_WORDS, 3),
    ("a vocabulary size", {"vocab", "ntoken", "ntokens", "tokens", "embeddings"}, 1000),
    ("a kernel size", {"kernel", "ksize"}, 3),
    ("a stride", {"stride"}, 1),
    ("a padding", {"padding", "pad"}, 1),
    ("a group count", {"groups"}, 1),
    ("a dropout rate", {"dropout", "drop"}, 0.0),
    ("a bias flag", {"bias"}, True),
)


def _words(name: str) -> set[str]:
    parts = name.lower().strip("_").split("_")
    return {*parts, name.lower().strip("_")}


def guess(factory: Any, required: list[str]) -> tuple[dict[str, Any], str | None]:
    """Values for the ``required`` parameters, and the first one no convention covers."""
    values: dict[str, Any] = {}
    for name in required:
        value = _conventional(name)
        if value is None:
            return values, name
        values[name] = value
    return {**values, **_image_shapes(values)}, None


def _conventional(name: str) -> Any:
    words = _words(name)
    for _meaning, names, value in CONVENTIONS:
        if words & names:
            return value
    return None


def _image_shapes(values: dict[str, Any]) -> dict[str, Any]:
    """``img_shape`` is (channels, height, width) in GAN code: a tuple, not a side."""
    return {name: (3, value, value) for name, value in values.items() if name.endswith("shape")}


def class_count(factory: Any, args: tuple, kwargs: dict[str, Any]) -> int | None:
    """The number of classes the arguments (or the defaults) give the model, when a parameter
    says so by name."""
    try:
        bound = inspect.signature(factory).bind_partial(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    for name, value in bound.arguments.items():
        if _words(name) & CLASS_WORDS and isinstance(value, int) and not isinstance(value, bool):
            return value
    return None
