"""Frames that are not square, as the model's code states them: a list of (h, w) patch sizes that
must divide its feature map (a video transformer's attention patches), a size or resolution pair
it keeps (``self.size = (240, 432)``). The size search tries them after a square side failed on
the input's size."""

from __future__ import annotations

import math

from torch import nn

MAX_FRAMES = 8  # non-square frames tried at most
SCALES = (4, 2, 1, 8)  # a patch list is read at a feature map this much smaller than the frame
_SIZE_WORDS = ("size", "resolution", "res", "shape", "frame", "crop")
_PATCH_WORDS = ("patch", "window", "block", "grid", "tile")


def _pair(value: object) -> tuple[int, int] | None:
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(
            isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 2048 for n in value):
        return int(value[0]), int(value[1])
    return None


def _own_modules(model: nn.Module) -> list[nn.Module]:
    """The model's modules of the project's classes: a torch layer's sizes (a kernel's, a pool's
    output, an upsampling's) are no frame."""
    return [m for m in model.modules() if not type(m).__module__.startswith("torch.")]


def _patch_lists(model: nn.Module) -> list[list[tuple[int, int]]]:
    """The lists of two or more (a, b) pairs the model's modules keep under a patch or window name."""
    found = []
    for module in _own_modules(model):
        for name, value in vars(module).items():
            if not any(word in name.lower() for word in _PATCH_WORDS) or not isinstance(value, (list, tuple)):
                continue
            pairs = [_pair(v) for v in value]
            if len(pairs) >= 2 and None not in pairs and any(a != b for a, b in pairs):
                found.append(pairs)
    return found


def _size_pairs(model: nn.Module) -> list[tuple[int, int]]:
    """The (h, w) pairs the model's modules keep under a size or resolution name (not a kernel's)."""
    found = []
    for module in _own_modules(model):
        for name, value in vars(module).items():
            words = name.lower()
            pair = _pair(value)
            if pair and pair[0] != pair[1] and min(pair) >= 16 and any(w in words for w in _SIZE_WORDS) \
                    and not any(w in words for w in ("kernel", "stride", "pad", "dilation", *_PATCH_WORDS)):
                found.append(pair)
    return found


def frame_sizes(model: nn.Module) -> list[tuple[int, int]]:
    """Non-square frames (h, w) to try, the model's own size pairs first; then, for each patch list,
    the least frame every patch divides (the product of each axis's least common multiple, in
    either order, as code names a pair (h, w) or (w, h)) at the feature maps' usual scales."""
    frames = list(_size_pairs(model))
    for pairs in _patch_lists(model):
        first = math.lcm(*(a for a, _ in pairs))
        second = math.lcm(*(b for _, b in pairs))
        for scale in SCALES:
            frames += [(second * scale, first * scale), (first * scale, second * scale)]
    return [f for f in dict.fromkeys(frames) if max(f) <= 2048][:MAX_FRAMES]
