"""``netlint overfit``, the click command: each model the paths name, trained on one fixed
batch (``training``), reported as text or JSON (``output``); exit 0 when all pass."""

from __future__ import annotations

import json
import sys

import click

from netlint import __version__
from netlint.config import TASKS
from netlint.commands.overfit.outcome import Outcome, Settings
from netlint.commands.overfit.output import format_text, to_json, write_plot
from netlint.commands.overfit.training import DeviceError, overfit_target, training_device


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
@click.option("--task", type=click.Choice(TASKS),
              default="auto", show_default=True, help="What the model is for: decides the synthetic targets.")
@click.option("--plot", type=click.Path(dir_okay=False, writable=True), callback=_check_plot, metavar="FILE.png",
              help="Also plot the loss curve to this file (needs matplotlib).")
@click.option("--device", type=click.Choice(("auto", "cpu", "cuda", "mps")), default="auto", show_default=True,
              help="Where to train: auto is the accelerator torch sees (CUDA, MPS), else the CPU.")
@click.option("--output-format", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Show skipped targets and tracebacks of errors.")
def overfit_command(paths, lr, steps, batch_size, target_ratio, timeout, input_shapes, task, plot, device,
                    output_format, verbose) -> None:
    """Train the models PATHS define on one fixed batch: PASS (exit 0) when the loss falls
    to 1% of its start, FAIL (exit 1) with the causes netlint sees when it does not.

    The batch comes from a netlint_batch() function in the model's file, returning
    (inputs, targets), else it is synthetic with targets that fit the task."""
    from netlint.command_line import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, shape_option as parse_shape

    try:
        settings = Settings(lr, steps, batch_size, target_ratio, timeout, training_device(device))
    except DeviceError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
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
    from netlint.commands.named_targets import each_model, located_message

    def outcome(target, target_settings) -> Outcome:
        return overfit_target(target, settings, shapes or target_settings.input_shapes,
                              task if task != "auto" else (target_settings.task or "auto"))

    def failure(exc: BaseException) -> str | None:
        from netlint.commands.overfit.batch import BatchError
        from netlint.lint import TargetTimeout

        if isinstance(exc, TargetTimeout):
            return f"took longer than {settings.timeout:g} s before training started (--timeout)"
        if isinstance(exc, BatchError):
            return located_message(exc)
        if isinstance(exc, Exception):  # the model's own code failed while training
            return f"training failed: {type(exc).__name__}: {exc}"
        return None

    return each_model(paths, verbose, "defines no model to train", outcome, failure)
