"""Decide what a model is for from the shapes of its input and output."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from netlint.arguments.guessed import CLASS_WORDS

Shape = tuple[int, ...]
TASKS = ("image-to-image", "classification", "segmentation", "unknown")


@dataclass(frozen=True)
class ClassCount:
    """The number of classes a model's constructor parameter says it has (``n_classes=2``)."""

    value: int
    passed: bool  # the call that built the model gave it (else it is the parameter's default)


def class_count(factory: Any, args: tuple, kwargs: dict[str, Any]) -> ClassCount | None:
    """The class count the call gives the model, or else its default, when a parameter
    says so by name."""
    try:
        bound = inspect.signature(factory).bind_partial(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    passed = set(bound.arguments)
    bound.apply_defaults()
    for name, value in bound.arguments.items():
        words = {*name.lower().strip("_").split("_"), name.lower().strip("_")}
        if words & CLASS_WORDS and isinstance(value, int) and not isinstance(value, bool):
            return ClassCount(value, name in passed)
    return None


def _fmt(shape: Shape) -> str:
    return "×".join(map(str, shape))


def infer_task(inputs: Sequence[Shape], outputs: Sequence[Shape], declared: str = "auto",
               classes: ClassCount | None = None) -> tuple[str, str]:
    """(task, reason). A declared task wins; otherwise the first output that fits decides.
    ``classes``: the constructor's class count, when a parameter says so by name
    (``n_classes=2``): an output of that many channels is a class map, not an image. A
    default nobody passed is no evidence for an output with the input's own channel count
    (``num_classes=3`` left in a restoration network's signature)."""
    if declared != "auto":
        return declared, "declared (--task or the config)"
    image = next((s for s in inputs if len(s) == 4), None)
    batch = inputs[0][0] if inputs and inputs[0] else None
    for out in outputs:
        if image is not None and len(out) == 4:
            scale = _integer_scale(image[2:], out[2:])
            if scale is None:
                if out[1] == image[1] and _integer_scale(out[2:], image[2:]) in (2, 4):
                    return "image-to-image", (f"output {_fmt(out)} is an image of the input's {out[1]} "
                                              "channels, a part of its size (a region to fill in)")
                continue
            size = "keeps the input size" if scale == 1 else f"is the input scaled ×{scale}"
            if scale == 1 and classes is not None and out[1] == classes.value \
                    and (classes.passed or out[1] != image[1]):
                given = "given to the constructor" if classes.passed else "the constructor's default"
                return "segmentation", (f"output {_fmt(out)} keeps the input size with one channel "
                                        f"per class ({classes.value}, the class count {given})")
            if 1 <= out[1] <= 4 or out[1] == image[1]:
                return "image-to-image", f"output {_fmt(out)} {size} with {out[1]} channels"
            if scale == 1:
                return "segmentation", f"output {_fmt(out)} keeps the input size with {out[1]} channels"
        if len(out) == 2 and out[0] == batch:
            return "classification", f"output {_fmt(out)} is one vector of {out[1]} per sample"
    shown = ", ".join(_fmt(s) for s in outputs) or "none"
    return "unknown", f"output {shown} fits no known task"


def _integer_scale(before: Sequence[int], after: Sequence[int]) -> int | None:
    if any(b == 0 for b in before) or any(a % b for a, b in zip(after, before)):
        return None
    factors = {a // b for a, b in zip(after, before)}
    if len(factors) != 1:
        return None
    factor = factors.pop()
    return factor if factor in (1, 2, 3, 4, 8) else None
