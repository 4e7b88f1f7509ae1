"""``netlint overfit``'s output forms: the text report with its sparkline, JSON, and the plot."""

from __future__ import annotations

import math
from dataclasses import asdict

from netlint.commands.overfit.outcome import Outcome

SPARK = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 60


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
        f"  train  Adam lr {outcome.lr:g}, {updates} of {outcome.max_steps} steps, {outcome.seconds:.1f} s "
        f"on {outcome.device}"
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
