"""The one fixed batch ``netlint overfit`` trains on, and its loss.

From ``netlint_batch()`` in the model's file when it defines one (returning ``(inputs,
targets)`` or ``(inputs, targets, loss_fn)``), else synthetic: inputs at the example input
shape (netlint's own inference, at a small image size when the model accepts it) and
targets that fit the task and that a correct model can learn from the input — class
indices for classification, the input image itself (resized to the output, its channels
mixed to the output's) for image-to-image, per-pixel classes decided by the input for
segmentation. Every sample differs, so a model that ignores its input cannot fit them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from netlint.capture.inputs import guess_from_tree, required_inputs
from netlint.capture.layers import leaves
from netlint.task import infer_task

Shape = tuple[int, ...]
IMAGE_SIDE = 32  # synthetic images are this small when the model accepts them: training stays fast


class BatchError(Exception):
    pass


@dataclass
class Batch:
    inputs: list[torch.Tensor]
    targets: Any
    loss_fn: Callable[[Any, Any], torch.Tensor]
    loss_name: str
    description: str  # where the batch came from, shown in the report
    task: str  # what the synthetic targets were made for ("" for netlint_batch())
    task_reason: str
    chance: float | None  # the loss of the best prediction that ignores the input (None: unknown)


def first_tensor(output: Any) -> torch.Tensor:
    tensors = [t for t in leaves(output) if isinstance(t, torch.Tensor)]
    if not tensors:
        raise BatchError(f"the forward returned no tensor ({type(output).__name__})")
    return tensors[0]


def _fmt(shape: Sequence[int]) -> str:
    return "×".join(map(str, shape))


# --- netlint_batch() ----------------------------------------------------------------------

def user_batch(make_batch: Callable) -> Batch:
    value = make_batch()
    if not isinstance(value, (tuple, list)) or len(value) not in (2, 3):
        raise BatchError("netlint_batch() must return (inputs, targets) or (inputs, targets, loss_fn)")
    inputs, targets = value[0], value[1]
    inputs = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
    task, reason = "", ""  # the targets say what the model is for
    shown = " and ".join(_fmt(t.shape) for t in inputs if isinstance(t, torch.Tensor))
    if len(value) == 3:
        return Batch(inputs, targets, value[2], getattr(value[2], "__name__", "the given loss"),
                     f"netlint_batch(): inputs {shown}", task, reason, None)
    if not isinstance(targets, torch.Tensor):
        raise BatchError("netlint_batch() returned targets that are not a tensor; return a loss_fn too")
    if targets.is_floating_point():
        return Batch(inputs, targets, F.mse_loss, "mean squared error",
                     f"netlint_batch(): inputs {shown}, targets {_fmt(targets.shape)}", task, reason,
                     _mse_chance(targets))
    return Batch(inputs, targets, _cross_entropy, "cross-entropy",
                 f"netlint_batch(): inputs {shown}, class targets {_fmt(targets.shape)}", task, reason,
                 _label_chance(targets))


# --- synthetic ----------------------------------------------------------------------------

def synthetic_batch(model: nn.Module, given: Sequence[Shape], batch_size: int, task: str,
                    fallback: Callable[[], tuple[Sequence[Shape], str]]) -> Batch:
    """Inputs at the given shapes, else at netlint's inferred shapes for a small image, else
    at the shapes ``fallback()`` gives (netlint's capture); the batch dimension is ``batch_size``."""
    names, guesses = _guesses(model)
    dtypes = [g[1] if g else torch.float32 for g in guesses]
    vocab = next((m.num_embeddings for m in model.modules() if isinstance(m, nn.Embedding)), 2)
    generator = torch.Generator().manual_seed(0)

    def candidates():
        if given:
            yield given, "given"
            return
        if all(guesses):
            yield [g[0] for g in guesses], "inferred from " + "; ".join(g[2] for g in guesses)
        yield fallback()

    failure = None
    for shapes, reason in candidates():
        if len(shapes) != len(names):
            raise BatchError(f"the model's forward takes {len(names)} input(s) ({', '.join(names)}) "
                             f"but {len(shapes)} shapes were given")
        inputs = [torch.zeros((), dtype=dtype) if not shape else  # a flag (netlint's guess: False) has no batch
                  _input((batch_size, *shape[1:]), dtype, vocab, generator)
                  for shape, dtype in zip(shapes, dtypes)]
        try:
            with torch.no_grad():
                output = first_tensor(model(*inputs))
        except Exception as exc:
            failure = failure or exc
            continue
        return _with_targets(inputs, output, reason, task, generator)
    if failure is None:
        raise BatchError("cannot infer the input shape; give it with --input-shape or define netlint_batch()")
    raise BatchError(f"the forward fails on a synthetic batch: {type(failure).__name__}: {failure}")


def _guesses(model: nn.Module):
    """(input names, a guess per input) from netlint's input inference, at a small image size."""
    from netlint.capture import fx

    try:
        graph = fx.trace(model)
        return fx.input_names(graph), fx.input_guesses(graph, IMAGE_SIDE)
    except Exception:
        names = required_inputs(model)
        return names, [guess_from_tree(model, IMAGE_SIDE)] + [None] * (len(names) - 1)


def _input(shape: Shape, dtype: torch.dtype, vocab: int, generator: torch.Generator) -> torch.Tensor:
    if not dtype.is_floating_point:
        return torch.randint(0, vocab, shape, generator=generator, dtype=dtype)
    if len(shape) >= 3:
        return _smooth_images(shape, generator)
    return torch.randn(shape, generator=generator)


def _smooth_images(shape: Shape, generator: torch.Generator) -> torch.Tensor:
    """Images in [0.05, 0.95]: smooth blobs (noise at 1/4 of the size, upsampled) over a
    colour of each sample's own, so that samples differ as a whole and pixel by pixel."""
    spatial = shape[2:]
    coarse = torch.rand((*shape[:2], *(max(1, s // 4) for s in spatial)), generator=generator)
    mode = {1: "linear", 2: "bilinear", 3: "trilinear"}.get(len(spatial))
    blobs = F.interpolate(coarse, size=spatial, mode=mode, align_corners=False) if mode else \
        torch.rand(shape, generator=generator)
    colour = torch.rand((*shape[:2], *(1 for _ in spatial)), generator=generator)
    return 0.05 + 0.9 * (0.5 * colour + 0.5 * blobs)


def _with_targets(inputs: list[torch.Tensor], output: torch.Tensor, input_reason: str, declared: str,
                  generator: torch.Generator) -> Batch:
    task, task_reason = infer_task([tuple(t.shape) for t in inputs], [tuple(output.shape)], declared)
    shown = " and ".join(_fmt(t.shape) for t in inputs)
    described = f"synthetic, fixed: inputs {shown} ({input_reason})"
    image = next((t for t in inputs if t.is_floating_point() and t.dim() >= 3), None)
    batch = output.shape[0] if output.dim() else 1
    if task == "classification" and output.dim() == 2 and output.shape[1] >= 2:
        classes = output.shape[1]
        labels = torch.randperm(classes, generator=generator)[:batch] if classes >= batch else \
            torch.arange(batch) % classes
        return Batch(inputs, labels, _cross_entropy, "cross-entropy",
                     f"{described}; {len(set(labels.tolist()))} distinct class labels", task, task_reason,
                     _label_chance(labels))
    if task == "segmentation" and image is not None and output.dim() >= 3 and output.shape[1] >= 2:
        features = _resized(image, output.shape[2:])
        mixing = torch.randn(output.shape[1], image.shape[1], generator=generator)
        labels = torch.einsum("kc,nc...->nk...", mixing, features - features.mean()).argmax(1)
        return Batch(inputs, labels, _cross_entropy, "cross-entropy",
                     f"{described}; per-pixel classes {_fmt(labels.shape)} decided by the input",
                     task, task_reason, _label_chance(labels))
    if task == "image-to-image" and image is not None and output.dim() == image.dim():
        resized = _resized(image, output.shape[2:])
        if output.shape[1] == image.shape[1]:
            target, how = resized, "the input image"
        else:  # each output channel a fixed blend of the input's: values stay in the input's range
            weights = torch.softmax(torch.randn(output.shape[1], image.shape[1], generator=generator), 1)
            target, how = torch.einsum("kc,nc...->nk...", weights, resized), "blends of the input's channels"
        scale = "" if output.shape[2:] == image.shape[2:] else f", resized to {_fmt(output.shape[2:])}"
        return Batch(inputs, target, F.mse_loss, "mean squared error",
                     f"{described}; target images {_fmt(target.shape)}: {how}{scale}", task, task_reason,
                     _mse_chance(target))
    if not output.is_floating_point():
        raise BatchError(f"the output is a {output.dtype} tensor: nothing to train; define netlint_batch()")
    target = torch.randn(output.shape, generator=generator)
    return Batch(inputs, target, F.mse_loss, "mean squared error",
                 f"{described}; random regression targets {_fmt(target.shape)} (task {task}: define "
                 "netlint_batch() for real data)", task, task_reason, _mse_chance(target))


def _resized(image: torch.Tensor, size: Sequence[int]) -> torch.Tensor:
    if tuple(image.shape[2:]) == tuple(size):
        return image
    mode = {1: "linear", 2: "bilinear", 3: "trilinear"}[len(size)]
    return F.interpolate(image, size=tuple(size), mode=mode, align_corners=False)


# --- losses and their chance level ------------------------------------------------------

def _cross_entropy(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(output, target)


def _label_chance(labels: torch.Tensor) -> float | None:
    """Cross-entropy of the best input-blind prediction: at each position, the frequencies of
    the labels across the batch (ln of the batch size when every label differs)."""
    if labels.dim() == 0 or labels.shape[0] < 2:
        return None
    flat = labels.reshape(labels.shape[0], -1)
    total = 0.0
    for position in range(flat.shape[1]):
        counts = torch.bincount(flat[:, position]).float()
        p = counts[counts > 0] / flat.shape[0]
        total -= float((p * p.log()).sum())
    return total / flat.shape[1]


def _mse_chance(target: torch.Tensor) -> float | None:
    """Mean squared error of the best input-blind prediction: the batch mean."""
    if target.dim() == 0 or target.shape[0] < 2:
        return None
    return float(((target - target.mean(0, keepdim=True)) ** 2).mean())


def describe_chance(batch: Batch) -> str:
    if batch.chance is None:
        return ""
    if batch.loss_name == "cross-entropy" and batch.chance > 0:
        return f"{batch.chance:.4g} (= ln {math.exp(batch.chance):.3g})"
    return f"{batch.chance:.4g}"
