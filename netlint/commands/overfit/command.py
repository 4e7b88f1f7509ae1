"""``netlint overfit``: can the model overfit one fixed batch?

"Always overfit one batch first" (Karpathy, *A Recipe for Training Neural Networks*, 2019):
before training on the full data, a model must drive the loss on one fixed batch to almost
nothing; if it cannot, it lacks capacity or the code has a bug. The model is built on the
CPU with real weights and trained with Adam on the same batch every step, no augmentation,
until the loss is ``target_ratio`` of the first (PASS) or the steps run out (FAIL). A FAIL
lists the causes netlint can see: parameters that never received a gradient (frozen or
detached), zero or NaN gradients, an output that does not depend on the input, a loss
that never gets below chance level.
"""

from __future__ import annotations

import functools
import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field

import click

from netlint import __version__

SPARK = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 60
SHOWN_NAMES = 4  # parameter names listed in a cause before "…"
SMALL_MODEL = 5_000_000  # parameters: trained on one thread


@dataclass(frozen=True)
class Settings:
    lr: float = 1e-3
    steps: int = 500
    batch_size: int = 4
    target_ratio: float = 0.01
    timeout: float | None = 300.0


@dataclass(frozen=True)
class Cause:
    kind: str  # frozen | no-gradient | zero-gradient | non-finite | ignores-input | chance-level | timeout | unknown
    message: str
    parameters: tuple[str, ...] = ()


@dataclass
class Outcome:
    target: str
    task: str
    task_reason: str
    batch: str  # where the batch came from
    loss_name: str
    lr: float
    max_steps: int
    target_ratio: float
    losses: list[float]  # before each update; the last one after the last update
    seconds: float
    stopped: str  # target reached | step limit | timeout | non-finite loss | non-finite gradient | no gradient
    chance: float | None
    causes: list[Cause] = field(default_factory=list)  # why it failed (empty on PASS)
    notes: list[Cause] = field(default_factory=list)  # what was seen on a PASS

    @property
    def passed(self) -> bool:
        return self.stopped == "target reached"

    @property
    def ratio(self) -> float:
        first, last = self.losses[0], self.losses[-1]
        return last / first if first else (0.0 if last == 0 else math.inf)


# --- training ---------------------------------------------------------------------------

@dataclass
class _Gradients:
    received: set[str] = field(default_factory=set)  # parameters that got a gradient at least once
    nonzero: set[str] = field(default_factory=set)  # … a non-zero one
    nonfinite: dict[str, int] = field(default_factory=dict)  # parameter -> first step with NaN/inf


def overfit_target(target, settings: Settings, input_shapes=(), task: str = "auto") -> Outcome:
    """Build ``target`` on the CPU and train it on one fixed batch, within ``settings.timeout``
    (``TargetTimeout`` when it runs out before training starts)."""
    import torch

    from netlint.lint import time_limit
    from netlint.load import build, build_with, import_target_module
    from netlint.load.pinned_device import pinned_to
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
        model.train()
        make_batch = getattr(import_target_module(target), "netlint_batch", None)

        def captured_shapes():
            from netlint.capture import capture

            graph = capture(built, target.display, input_shapes, task)
            return graph.input_shapes, graph.input_reason

        with pinned_to("cpu"):  # code written for a GPU (``.cuda()`` in the forward) trains on the CPU
            if callable(make_batch):
                batch = user_batch(make_batch)
            else:
                batch = synthetic_batch(model, input_shapes, settings.batch_size, task, captured_shapes)
            start = time.perf_counter()
            losses, stopped, gradients = _train(model, batch, settings)  # stops itself at the time limit
    outcome = Outcome(target.display, batch.task, batch.task_reason, batch.description, batch.loss_name,
                      settings.lr, settings.steps, settings.target_ratio, losses,
                      time.perf_counter() - start, stopped, batch.chance)
    with pinned_to("cpu"):
        seen = _diagnose(model, batch, outcome, gradients)
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


def _train(model, batch, settings: Settings) -> tuple[list[float], str, _Gradients]:
    import torch

    from netlint.lint import TargetTimeout
    from netlint.commands.overfit.batch import first_tensor

    trainable = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    optimizer = torch.optim.Adam([p for _, p in trainable], lr=settings.lr) if trainable else None
    gradients = _Gradients()
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


def _note_gradients(trainable, step: int, gradients: _Gradients) -> None:
    import torch

    for name, p in trainable:
        if p.grad is None:
            continue
        gradients.received.add(name)
        if not bool(torch.isfinite(p.grad).all()):
            gradients.nonfinite.setdefault(name, step)
        elif name not in gradients.nonzero and bool(p.grad.any()):
            gradients.nonzero.add(name)


# --- diagnosis --------------------------------------------------------------------------

def _names(names) -> str:
    names = list(names)
    shown = ", ".join(names[:SHOWN_NAMES])
    return shown + (f" and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else "")


def _diagnose(model, batch, outcome: Outcome, gradients: _Gradients) -> list[Cause]:
    parameters = dict(model.named_parameters())
    frozen = [n for n, p in parameters.items() if not p.requires_grad]
    trainable = [n for n, p in parameters.items() if p.requires_grad]
    causes: list[Cause] = []
    if parameters and not trainable:
        causes.append(Cause("frozen", f"every parameter is frozen (requires_grad=False): nothing can learn "
                                      f"({_names(frozen)})", tuple(frozen)))
    elif frozen:
        causes.append(Cause("frozen", f"{len(frozen)} of {len(parameters)} parameters are frozen "
                                      f"(requires_grad=False): {_names(frozen)}", tuple(frozen)))
    backward_ran = bool(gradients.received) or outcome.stopped == "no gradient"
    never = [n for n in trainable if n not in gradients.received]
    if trainable and never and backward_ran:
        whole = "the loss does not depend on any trainable parameter: " if len(never) == len(trainable) else ""
        causes.append(Cause("no-gradient", f"{whole}{len(never)} of {len(trainable)} trainable parameters "
                                           "never received a gradient — the forward detaches them (.detach(), "
                                           f".data, torch.no_grad()) or does not use them: {_names(never)}",
                            tuple(never)))
    zero = [n for n in trainable if n in gradients.received and n not in gradients.nonzero
            and n not in gradients.nonfinite]
    if zero:
        causes.append(Cause("zero-gradient", f"{len(zero)} parameters had a zero gradient at every step "
                                             f"(an input or activation that is always zero, dead ReLUs): "
                                             f"{_names(zero)}", tuple(zero)))
    if gradients.nonfinite:
        first = min(gradients.nonfinite.values())
        causes.append(Cause("non-finite", f"NaN or infinite gradients from step {first}: "
                                          f"{_names(gradients.nonfinite)}", tuple(gradients.nonfinite)))
    if outcome.stopped == "timeout":
        causes.append(Cause("timeout", f"training stopped at --timeout ({outcome.seconds:.0f} s) after "
                                       f"{len(outcome.losses) - 1} steps: raise --timeout, or try a smaller "
                                       "--batch-size or --input-shape"))
    if outcome.stopped == "non-finite loss":
        causes.append(Cause("non-finite", f"the loss became {outcome.losses[-1]} at step {len(outcome.losses) - 1}"))
    if not outcome.passed and _ignores_input(model, batch):
        causes.append(Cause("ignores-input", "the output does not depend on the input: two different inputs give "
                                             "the same output"))
    end = outcome.losses[-1]
    trained = len(outcome.losses) > 1
    if not outcome.passed and trained and batch.chance and math.isfinite(end) and end >= 0.9 * batch.chance:
        from netlint.commands.overfit.batch import describe_chance

        causes.append(Cause("chance-level", f"the loss never got below chance level: it ends at {end:.4g}, and "
                                            f"a prediction that ignores the input reaches {describe_chance(batch)}"))
    return causes


def _ignores_input(model, batch) -> bool:
    """Whether the output (in eval mode) is the same for the batch and for a different one."""
    import torch

    from netlint.commands.overfit.batch import first_tensor

    def changed(t):
        if not isinstance(t, torch.Tensor):
            return t
        if t.is_floating_point():
            return t + torch.randn(t.shape, generator=torch.Generator().manual_seed(1))
        return torch.where(t > 0, t - 1, t + 1)  # every index moved, still in range

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            before = first_tensor(model(*batch.inputs))
            after = first_tensor(model(*[changed(t) for t in batch.inputs]))
        return before.shape == after.shape and bool(torch.allclose(before, after, rtol=1e-5, atol=1e-7))
    except Exception:
        return False
    finally:
        model.train(was_training)


# --- report -----------------------------------------------------------------------------

def sparkline(values: list[float], width: int = SPARK_WIDTH) -> str:
    """The curve in block characters, on a log scale (losses fall by orders of magnitude)."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return ""
    if len(finite) > width:  # the value at evenly spaced steps, the last one included
        finite = [finite[round(i * (len(finite) - 1) / (width - 1))] for i in range(width)]
    floor = min(v for v in finite if v > 0) if any(v > 0 for v in finite) else 1.0
    logs = [math.log10(max(v, floor)) for v in finite]
    low, high = min(logs), max(logs)
    if high - low < 1e-12:
        return SPARK[len(SPARK) // 2] * len(logs)
    return "".join(SPARK[round((v - low) / (high - low) * (len(SPARK) - 1))] for v in logs)


def format_text(outcome: Outcome) -> str:
    losses = outcome.losses
    low = min(range(len(losses)), key=lambda i: losses[i] if math.isfinite(losses[i]) else math.inf)
    updates = max(len(losses) - 1, 0)
    lines = [
        outcome.target + (f"  {outcome.task} ({outcome.task_reason})" if outcome.task else ""),
        f"  batch  {outcome.batch}; {outcome.loss_name}",
        f"  train  Adam lr {outcome.lr:g}, {updates} of {outcome.max_steps} steps, {outcome.seconds:.1f} s"
        + ("" if outcome.stopped in ("target reached", "step limit") else f" — stopped: {outcome.stopped}"),
        f"  loss   start {losses[0]:.4g}  min {losses[low]:.4g} (step {low})  end {losses[-1]:.4g}"
        f" = {_percent(outcome.ratio)} of start",
        f"         {sparkline(losses)}",
    ]
    target = f"target ≤ {_percent(outcome.target_ratio)}"
    if outcome.passed:
        lines.append(f"PASS: the loss fell to {_percent(outcome.ratio)} of its start ({target})")
        lines += [f"  note: {note.message}" for note in outcome.notes]
    else:
        lines.append(f"FAIL: the loss ended at {_percent(outcome.ratio)} of its start ({target})")
        lines += [f"  - {cause.message}" for cause in outcome.causes]
    return "\n".join(lines)


def _percent(ratio: float) -> str:
    if not math.isfinite(ratio):
        return "∞%"
    return f"{ratio * 100:.3g}%"


def to_json(outcome: Outcome) -> dict:
    data = asdict(outcome)
    losses = outcome.losses
    data.update(verdict="PASS" if outcome.passed else "FAIL", start=losses[0], end=losses[-1],
                min=min(losses), ratio=outcome.ratio, steps=max(len(losses) - 1, 0))
    return data


def write_plot(outcomes: list[Outcome], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4))
    for outcome in outcomes:
        line, = axes.plot(range(len(outcome.losses)), outcome.losses,
                          label=f"{outcome.target} ({'PASS' if outcome.passed else 'FAIL'})")
        axes.axhline(outcome.losses[0] * outcome.target_ratio, color=line.get_color(), linestyle=":",
                     linewidth=1)
    if any(v > 0 for o in outcomes for v in o.losses if math.isfinite(v)):
        axes.set_yscale("log")
    axes.set_xlabel("step")
    axes.set_ylabel("loss on the fixed batch")
    axes.set_title("netlint overfit: one fixed batch (dotted: the PASS line)")
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


# --- the command --------------------------------------------------------------------------

def _check_plot(ctx, param, value):
    if value is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise click.UsageError("--plot needs matplotlib, which is not installed: pip install matplotlib")
    return value


@click.command("overfit")
@click.argument("paths", nargs=-1, required=True)
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=Settings.lr, show_default=True,
              help="Adam's learning rate.")
@click.option("--steps", type=click.IntRange(min=1), default=Settings.steps, show_default=True,
              help="The most optimizer steps; training stops as soon as the target ratio is reached.")
@click.option("--batch-size", type=click.IntRange(min=1), default=Settings.batch_size, show_default=True,
              help="Samples in the synthetic batch (netlint_batch() decides its own).")
@click.option("--target-ratio", type=click.FloatRange(min=0, max=1, min_open=True), default=Settings.target_ratio,
              show_default=True, help="PASS when the final loss is at most this fraction of the first.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=Settings.timeout,
              show_default=True, help="Seconds per model, building included.")
@click.option("--input-shape", "input_shapes", multiple=True, metavar="SHAPE",
              help="Input shape, e.g. 1,3,64,64; its first dimension is replaced by --batch-size.")
@click.option("--task", type=click.Choice(("auto", "image-to-image", "classification", "segmentation")),
              default="auto", show_default=True, help="What the model is for: decides the synthetic targets.")
@click.option("--plot", type=click.Path(dir_okay=False, writable=True), callback=_check_plot, metavar="FILE.png",
              help="Also plot the loss curve to this file (needs matplotlib).")
@click.option("--output-format", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Show skipped targets and tracebacks of errors.")
def overfit_command(paths, lr, steps, batch_size, target_ratio, timeout, input_shapes, task, plot,
                    output_format, verbose) -> None:
    """Train the models PATHS define on one fixed batch: PASS (exit 0) when the loss falls
    to 1% of its start, FAIL (exit 1) with the causes netlint sees when it does not.

    The batch comes from a netlint_batch() function in the model's file, returning
    (inputs, targets), else it is synthetic with targets that fit the task."""
    from netlint.command_line import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, shape_option as parse_shape

    settings = Settings(lr, steps, batch_size, target_ratio, timeout)
    shapes = tuple(parse_shape(s) for s in input_shapes)
    outcomes, errors = [], []
    for target, result in _outcomes(paths, settings, shapes, task, verbose):
        if isinstance(result, Outcome):
            outcomes.append(result)
            if output_format == "text":
                click.echo(format_text(result) + "\n")
        else:
            errors.append((target, result))
            click.echo(f"{target}: {result}", err=True)
    if output_format == "json":
        click.echo(json.dumps({"version": __version__, "models": [to_json(o) for o in outcomes],
                               "errors": [{"target": t, "message": m} for t, m in errors]}, indent=2))
    if plot and outcomes:
        write_plot(outcomes, plot)
    if errors or not outcomes:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_CLEAN if all(o.passed for o in outcomes) else EXIT_FINDINGS)


def _outcomes(paths, settings: Settings, shapes, task: str, verbose: bool):
    """(target, Outcome or error message) for each target the paths name."""
    from netlint.commands.named_targets import named_targets

    problems, targets = named_targets(paths, verbose, "defines no model to train")
    yield from problems
    if not targets:
        return
    from netlint.capture import CaptureError
    from netlint.lint import TargetTimeout
    from netlint.load import LoadError, SkipTarget, sandbox
    from netlint.commands.overfit.batch import BatchError

    for target, target_settings in targets:
        try:
            with sandbox(target.path):
                outcome = overfit_target(target, settings, shapes or target_settings.input_shapes,
                                         task if task != "auto" else (target_settings.task or "auto"))
            yield target.display, outcome
        except SkipTarget as exc:
            if verbose:
                click.echo(f"{target.display}: skipped: {exc}", err=True)
        except TargetTimeout:
            yield target.display, f"took longer than {settings.timeout:g} s before training started (--timeout)"
        except (LoadError, CaptureError, BatchError) as exc:
            if verbose:
                import traceback
                traceback.print_exc()
            where, line = getattr(exc, "path", None), getattr(exc, "line", None)
            yield target.display, (f"{where}:{line}: " if where and line else "") + str(exc)
        except Exception as exc:  # the model's own code failed while training
            if verbose:
                import traceback
                traceback.print_exc()
            yield target.display, f"training failed: {type(exc).__name__}: {exc}"
