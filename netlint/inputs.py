"""Example inputs: given with --input-shape, or inferred from the layer that reads each input."""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence

import torch
from torch import nn

from netlint.graph import Shape

# Image sides tried in order until the forward runs: the first that fits any size, ImageNet
# (ViT asserts its training resolution), then the sizes of small datasets and GANs (MNIST nets
# and discriminators with a Linear head fit only their own size), then larger and rarer ones.
IMAGE_SIDES = (256, 224, 128, 64, 32, 28, 512, 96)
SMALL_SIDE = 64  # for the CPU fallback, where every value is computed
SEQUENCE_LENGTH = 128

Guess = tuple[Shape, torch.dtype, str]  # shape, dtype, the reason shown to the user


class InputError(Exception):
    pass


def spatial(dims: int, side: int) -> tuple[int, ...]:
    return {1: (side * 4,), 2: (side, side), 3: (16, side // 2, side // 2)}[dims]


def guess_from_module(module: nn.Module, name: str, side: int) -> Guess | None:
    """The input a module expects, when it is the first layer to read a model input."""
    where = f"{name} {type(module).__name__}"
    if isinstance(module, nn.modules.conv._ConvNd):
        channels = module.in_channels
        return (1, channels, *spatial(len(module.kernel_size), side)), torch.float32, f"{where}({channels}→…)"
    if isinstance(module, nn.Linear):
        return (1, module.in_features), torch.float32, f"{where}({module.in_features}→…)"
    if isinstance(module, (nn.Embedding, nn.EmbeddingBag)):
        return (1, SEQUENCE_LENGTH), torch.long, f"{where} (index tensor)"
    if isinstance(module, nn.modules.batchnorm._NormBase):  # BatchNorm1d reads (N, C) too: see capture.fx
        name = type(module).__name__
        sides = () if name == "BatchNorm1d" else spatial({"1d": 1, "3d": 3}.get(name[-2:], 2), side)
        return (1, module.num_features, *sides), torch.float32, f"{where}({module.num_features})"
    if isinstance(module, nn.GroupNorm):
        return (1, module.num_channels, side, side), torch.float32, f"{where}({module.num_channels})"
    if isinstance(module, nn.LayerNorm):
        return (1, SEQUENCE_LENGTH, *module.normalized_shape), torch.float32, where
    return None


def guess_from_weight(weight: Shape, op: str, groups: int, name: str, side: int) -> Guess | None:
    """The same for a functional ``F.conv2d`` / ``F.linear`` given a parameter."""
    if op == "linear":
        return (1, weight[1]), torch.float32, f"{name}({weight[1]}→…)"
    if op == "conv":
        channels = weight[1] * groups
        return (1, channels, *spatial(len(weight) - 2, side)), torch.float32, f"{name}({channels}→…)"
    return None


def split_channels(guess: Guess | None, cats: Sequence[tuple[int, int, int]]) -> Guess | None:
    """The share of a layer's input channels that one input gives it, when it reaches the layer
    through ``torch.cat`` along the channel dimension: ``cats`` holds (dim, entries, index of this
    input's entry) for each cat on the way, the first nearest the input. Unknown shares are equal,
    a remainder going to the first entries (Conv2d(6) after cat((a, b), 1): 3 + 3)."""
    if guess is None or len(guess[0]) < 2:
        return guess
    shape, dtype, reason = guess
    channels, parts = shape[1], 1
    for dim, entries, index in reversed(cats):
        if dim % len(shape) == 1 and entries > 1:
            channels = channels // entries + (index < channels % entries)
            parts *= entries
    if parts == 1:
        return guess
    return (shape[0], channels, *shape[2:]), dtype, f"{reason} split between {parts} inputs by torch.cat"


_SIZE_ERROR = re.compile(
    r"same reduction dim|shapes cannot be multiplied|size mismatch|Kernel size can't be greater|"
    r"Output size is too small|is invalid for input of size|must match the size of tensor|broadcast|"
    r"Sizes of tensors must match|sizes should be greater than 0|expected input with shape", re.IGNORECASE)


def is_size_error(exc: BaseException) -> bool:
    """Whether a forward failed because of the input's spatial size (a flattened map that does
    not fit a Linear, a kernel larger than the map, a reshape, an assert on the resolution),
    so that another image side may run."""
    return isinstance(exc, AssertionError) or bool(_SIZE_ERROR.search(str(exc)))


def guess_from_tree(model: nn.Module, side: int) -> Guess | None:
    """Without a graph: the first layer, in registration order, that says what it reads."""
    for name, module in model.named_modules():
        if not list(module.children()):
            guess = guess_from_module(module, name, side)
            if guess is not None:
                return guess
    return None


def declared_input(model: nn.Module) -> Guess | None:
    """The image size a model says it takes: timm's ``pretrained_cfg["input_size"]``, or an
    ``image_size`` attribute (torchvision's vision transformers)."""
    for attribute in ("pretrained_cfg", "default_cfg"):
        config = getattr(model, attribute, None)
        size = config.get("input_size") if isinstance(config, dict) else None
        if isinstance(size, (tuple, list)) and len(size) == 3 and all(isinstance(d, int) for d in size):
            return (1, *size), torch.float32, f"the model's {attribute} input_size"
    side = getattr(model, "image_size", None)
    first = guess_from_tree(model, side) if isinstance(side, int) else None
    if first is not None and len(first[0]) == 4:
        return (1, first[0][1], side, side), torch.float32, "the model's image_size"
    return None


def required_inputs(model: nn.Module) -> list[str]:
    """Names of the forward's parameters that have no default."""
    try:
        parameters = inspect.signature(model.forward).parameters.values()
    except (TypeError, ValueError):
        return ["input"]
    return [p.name for p in parameters
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def example_inputs(names: Sequence[str], guesses: Sequence[Guess | None], given: Sequence[Shape],
                   device: str = "meta") -> tuple[list[torch.Tensor], str]:
    """Tensors for the forward's inputs, and how their shapes were decided."""
    if given:
        if len(given) != len(names):
            raise InputError(f"the model's forward takes {len(names)} input(s) ({', '.join(names)}) "
                             f"but {len(given)} --input-shape were given")
        dtypes = [guess[1] if guess else torch.float32 for guess in guesses]
        return ([torch.zeros(s, dtype=d, device=device) for s, d in zip(given, dtypes)],
                "given with --input-shape")
    missing = [name for name, guess in zip(names, guesses) if guess is None]
    if missing:
        raise InputError(f"cannot infer the shape of input {missing[0]!r}: no convolution, linear or "
                         "embedding layer reads it directly; give it with --input-shape")
    return ([torch.zeros(shape, dtype=dtype, device=device) for shape, dtype, _ in guesses],
            "inferred from " + "; ".join(dict.fromkeys(reason for _, _, reason in guesses)))
