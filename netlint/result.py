"""What a lint run found: the models analyzed (``ModelSummary``), the findings, the targets that
could not be analyzed or were skipped, and the findings suppressed (``Suppressed``), gathered in a
``LintResult``: what the decide, fix and report steps read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netlint.rule import Finding, RuleInfo
from netlint.target import Problem, Skipped

if TYPE_CHECKING:  # the graph module is for models only: a commit without one never imports it
    from netlint.graph import ModelGraph, Shape
    from netlint.picture.dataflow import Dataflow


@dataclass(frozen=True)
class ModelSummary:
    """What the report says about one analyzed model."""

    target: str
    class_name: str
    call: str  # the constructor call that built it, when it took arguments: "UNet(3, 2)"
    arguments_from: str  # where those came from: "given", "test.py:25", "guessed from parameter names"
    params: int
    trainable_params: int
    buffers: int
    capture: str
    built_on: str
    task: str
    task_reason: str
    input_shapes: tuple[Shape, ...]
    input_reason: str
    output_shapes: tuple[Shape, ...]
    params_saved: int  # what the suggested fixes would save in total (≥ 0)
    weights_requested: tuple[tuple[str, str], ...]  # (submodule, weights) asked for while building
    notes: tuple[str, ...]  # how it was captured, and rules skipped for it (shown with -v)
    files: tuple[str, ...] = ()  # the files whose lines created its layers (what a fix there affects)
    stand_ins: tuple[str, ...] = ()  # modules not installed that its file imported: netlint stood in for them
    dataflow: Dataflow | None = field(default=None, compare=False, repr=False)  # for the HTML report's drawing
    # seconds of each step of its lint ("import", "build", "capture", "rules"), then the compiler
    # modules loaded by then; shown with -v, never in a format's output, not kept in the cache
    cost: tuple[tuple[str, float], ...] = field(default=(), compare=False, repr=False)
    loaded: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def of(cls, graph: ModelGraph, findings: Sequence[Finding], skipped_rules: Sequence[str],
           call: str = "", arguments_from: str = "") -> ModelSummary:
        return cls(
            target=graph.target, class_name=graph.class_name, call=call, arguments_from=arguments_from,
            params=graph.params,
            trainable_params=graph.trainable_params, buffers=graph.buffers,
            capture=graph.capture, built_on=graph.built_on, task=graph.task, task_reason=graph.task_reason,
            input_shapes=graph.input_shapes, input_reason=graph.input_reason,
            output_shapes=graph.output_shapes,
            params_saved=-sum(min(f.params_delta or 0, 0) for f in findings),
            weights_requested=tuple((r.module, r.weights) for r in graph.weights_requests),
            notes=graph.notes + tuple(skipped_rules),
            files=tuple(sorted({layer.site.path for layer in graph.layers if layer.site}
                               | {site.path for site in graph.module_sites.values()})),
        )


@dataclass(frozen=True)
class Suppressed:
    """A finding not reported, and why: a noqa comment, per-file-ignores or the baseline."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class Inputs:
    """What linting one file read besides its own text, recorded in its worker (for the cache)."""

    files: tuple[str, ...]  # the project files its import ran (resolved paths), its own included
    libraries: tuple[str, ...]  # the top-level names its code and those files import
    cacheable: bool  # False when a time limit or a bug in netlint decided part of the result
    targets: int = 0  # how many of the file's targets this lint covered (fewer: a worker died before)


@dataclass
class LintResult:
    models: list[ModelSummary] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    printed: list[tuple[str, str]] = field(default_factory=list)  # (file or target, what its code printed)
    rules: list[RuleInfo] = field(default_factory=list)  # the rules that ran
    fixed: list[Finding] = field(default_factory=list)  # what --fix fixed (no longer in findings)
    inputs: list[Inputs] = field(default_factory=list)  # what each file's lint read (netlint.cache)
