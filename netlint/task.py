"""Decide what a model is for from the shapes of its input and output."""

from __future__ import annotations

from collections.abc import Sequence

Shape = tuple[int, ...]
TASKS = ("image-to-image", "classification", "segmentation", "unknown")


def _fmt(shape: Shape) -> str:
    return "×".join(map(str, shape))


def infer_task(inputs: Sequence[Shape], outputs: Sequence[Shape], declared: str = "auto",
               classes: int | None = None) -> tuple[str, str]:
    """(task, reason). A declared task wins; otherwise the first output that fits decides.
    ``classes``: the class count the constructor was given, when a parameter says so by name
    (``n_classes=2``): an output of that many channels is a class map, not an image."""
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
            if scale == 1 and out[1] == classes:
                return "segmentation", (f"output {_fmt(out)} keeps the input size with one channel "
                                        f"per class ({classes}, the constructor's class count)")
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
