"""``netlint overfit``'s training loop: the model built on the CPU with real weights, moved to
the device with its batch, trained with Adam on the same batch every step until the loss
reaches the target ratio or the steps run out."""

from __future__ import annotations

import functools
import math
import os
import time

from netlint.commands.overfit.diagnosis import diagnose
from netlint.commands.overfit.outcome import Cause, Gradients, Outcome, Settings

SMALL_MODEL = 5_000_000  # parameters: trained on one thread


class DeviceError(Exception):
    """The device asked for (``--device``) is one torch does not see."""


def training_device(asked: str) -> str:
    """``auto``: the accelerator torch sees (CUDA, then Apple's MPS), else the CPU."""
    import torch

    mps = getattr(torch.backends, "mps", None)
    seen = {"cuda": torch.cuda.is_available(), "mps": mps is not None and mps.is_available()}
    if asked == "auto":
        return next((device for device, available in seen.items() if available), "cpu")
    if asked != "cpu" and not seen.get(asked):
        raise DeviceError(f"--device {asked}: torch {torch.__version__} sees no {asked.upper()} device here "
                          "(use --device cpu, or auto)")
    return asked


def overfit_target(target, settings: Settings, input_shapes=(), task: str = "auto") -> Outcome:
    """Build ``target`` on the CPU and train it on one fixed batch, within ``settings.timeout``
    (``TargetTimeout`` when it runs out before training starts)."""
    import torch

    from netlint.lint import time_limit
    from netlint.load.construct import build, build_with
    from netlint.load.importer import import_target_module
    from netlint.load.pinned_device import pinned_to
    from netlint.load.training_mode import set_training
    from netlint.commands.overfit.batch import synthetic_batch, user_batch

    _warm_up()
    with time_limit(settings.timeout):
        built = build(target)  # on meta: checks the target is a model that builds
        # Two threads at most (the machine is shared); one for a small model, whose steps are too
        # short to split: two threads on a busy machine made a 4 ms step take 240 ms.
        small = sum(p.numel() for p in built.model.parameters()) < SMALL_MODEL
        torch.set_num_threads(1 if small else min(2, os.cpu_count() or 1))
        torch.manual_seed(0)
        model = build_with(built.factory, torch.device("cpu"), target, to_meta=False).model
        set_training(model.to(settings.device), True)  # (the batch is made on the device: pinned_to)
        make_batch = getattr(import_target_module(target), "netlint_batch", None)

        def captured_shapes():
            from netlint.capture import capture

            graph = capture(built, target.display, input_shapes, task)
            return graph.input_shapes, graph.input_reason

        with pinned_to(settings.device):  # code written for a GPU (``.cuda()`` in the forward) trains here
            if callable(make_batch):
                batch = user_batch(make_batch)
            else:
                batch = synthetic_batch(model, input_shapes, settings.batch_size, task, captured_shapes)
            start = time.perf_counter()
            losses, stopped, gradients = _train(model, batch, settings)  # stops itself at the time limit
    outcome = Outcome(target.display, batch.task, batch.task_reason, batch.description, batch.loss_name,
                      settings.lr, settings.steps, settings.target_ratio, losses,
                      time.perf_counter() - start, stopped, batch.chance, settings.device)
    with pinned_to(settings.device):
        seen = diagnose(model, batch, outcome, gradients)
    if outcome.passed:
        outcome.notes = [c for c in seen if c.kind in ("frozen", "no-gradient", "zero-gradient")]
    else:
        outcome.causes = seen or [Cause("unknown", "no cause netlint can see: the model may lack capacity, "
                                                   "or need another learning rate (--lr) or more steps (--steps)")]
    return outcome


@functools.lru_cache(maxsize=1)
def _warm_up() -> None:
    """Pay torch's one-time costs before the time limit starts: the first optimizer imports
    torch._dynamo (seconds on a busy machine)."""
    import torch

    torch.optim.Adam([torch.zeros(1, requires_grad=True)])


def _train(model, batch, settings: Settings) -> tuple[list[float], str, Gradients]:
    import torch

    from netlint.lint import TargetTimeout
    from netlint.commands.overfit.batch import first_tensor

    trainable = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    optimizer = torch.optim.Adam([p for _, p in trainable], lr=settings.lr) if trainable else None
    gradients = Gradients()
    losses: list[float] = []
    stopped = "step limit"
    try:  # the caller's time limit (--timeout) may stop it at any point
        for step in range(settings.steps + 1):
            loss = batch.loss_fn(first_tensor(model(*batch.inputs)), batch.targets)
            losses.append(float(loss.detach()))
            if not math.isfinite(losses[-1]):
                stopped = "non-finite loss"
                break
            if losses[-1] <= settings.target_ratio * losses[0]:
                stopped = "target reached"
                break
            if step == settings.steps:
                break
            if optimizer is None or not loss.requires_grad:
                stopped = "no gradient"
                break
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            _note_gradients(trainable, step, gradients)
            if gradients.nonfinite:
                stopped = "non-finite gradient"
                break
            optimizer.step()
    except TargetTimeout:
        stopped = "timeout"
        if not losses:
            raise
    return losses, stopped, gradients


def _note_gradients(trainable, step: int, gradients: Gradients) -> None:
    import torch

    for name, p in trainable:
        if p.grad is None:
            continue
        gradients.received.add(name)
        if not bool(torch.isfinite(p.grad).all()):
            gradients.nonfinite.setdefault(name, step)
        elif name not in gradients.nonzero and bool(p.grad.any()):
            gradients.nonzero.add(name)
