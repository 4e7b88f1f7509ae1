"""Lint targets: discover → load → capture → rules, one target at a time, so that one
broken model never stops the others."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from traceback import format_exc

from netlint.discover import Problem, Skipped, Target, discover, display_path
from netlint.graph import ModelGraph, Shape
from netlint.rule import Finding, Rule


@dataclass(frozen=True)
class ModelSummary:
    """What the report says about one analyzed model."""

    target: str
    class_name: str
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

    @classmethod
    def of(cls, graph: ModelGraph, findings: Sequence[Finding]) -> ModelSummary:
        return cls(
            target=graph.target, class_name=graph.class_name, params=graph.params,
            trainable_params=graph.trainable_params, buffers=graph.buffers,
            capture=graph.capture, built_on=graph.built_on, task=graph.task, task_reason=graph.task_reason,
            input_shapes=graph.input_shapes, input_reason=graph.input_reason,
            output_shapes=graph.output_shapes,
            params_saved=-sum(min(f.params_delta or 0, 0) for f in findings),
            weights_requested=tuple((r.module, r.weights) for r in graph.weights_requests),
        )


@dataclass
class LintResult:
    models: list[ModelSummary] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    input_shapes: tuple[Shape, ...] = ()
    task: str = "auto"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def lint_paths(specs: Sequence[str], options: Options) -> LintResult:
    found = discover(list(specs))
    result = LintResult(errors=list(found.problems), skipped=list(found.skipped))
    if not found.targets:
        return result  # nothing to build: torch and the rules are never imported
    from netlint.engine import selected_rules

    rules = selected_rules(options.select, options.ignore)
    for target in found.targets:
        lint_target(target, rules, options, result)
    result.findings.sort(key=lambda f: (f.path or "", f.line or 0, f.column or 0, f.code, f.target))
    return result


def lint_target(target: Target, rules: Sequence[Rule], options: Options, result: LintResult) -> None:
    # torch is imported here, only once a file is known to define a model
    from netlint.capture import CaptureError, capture
    from netlint.engine import run_rules
    from netlint.load import LoadError, SkipTarget, build

    path = display_path(target.path) if target.path else None
    try:
        with contextlib.redirect_stdout(sys.stderr):  # prints in user code must not corrupt reports
            built = build(target)
            graph = capture(built, target.display, options.input_shapes, options.task)
            findings = run_rules(graph, rules)
    except SkipTarget as exc:
        result.skipped.append(Skipped(target.display, str(exc)))
        return
    except LoadError as exc:
        result.errors.append(Problem(target.display, exc.path, exc.line, str(exc), format_exc()))
        return
    except CaptureError as exc:
        result.errors.append(Problem(target.display, path, target.line, str(exc), format_exc()))
        return
    except Exception as exc:  # a bug in netlint or a rule: report it, go on with the others
        result.errors.append(Problem(target.display, path, target.line,
                                     f"internal error: {type(exc).__name__}: {exc}", format_exc()))
        return
    result.models.append(ModelSummary.of(graph, findings))
    result.findings.extend(findings)
