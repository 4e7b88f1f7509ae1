"""What ``netlint overfit`` hands on: its settings, one model's outcome and the causes of a FAIL."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    lr: float = 1e-3
    steps: int = 500
    batch_size: int = 4
    target_ratio: float = 0.01
    timeout: float | None = 300.0
    device: str = "cpu"  # where the model trains (see training.training_device)


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
    device: str = "cpu"  # where it trained
    causes: list[Cause] = field(default_factory=list)  # why it failed (empty on PASS)
    notes: list[Cause] = field(default_factory=list)  # what was seen on a PASS

    @property
    def passed(self) -> bool:
        return self.stopped == "target reached"

    @property
    def ratio(self) -> float:
        first, last = self.losses[0], self.losses[-1]
        return last / first if first else (0.0 if last == 0 else math.inf)


@dataclass
class Gradients:
    received: set[str] = field(default_factory=set)  # parameters that got a gradient at least once
    nonzero: set[str] = field(default_factory=set)  # … a non-zero one
    nonfinite: dict[str, int] = field(default_factory=dict)  # parameter -> first step with NaN/inf
