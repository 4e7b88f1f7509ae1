"""The default report: per model a summary line and a table of its findings."""

from __future__ import annotations

from collections import defaultdict
from typing import TextIO

from netlint.lint import LintResult
from netlint.report import (count, fix_status, fixable_hint, location, shape, skipped_models, totals,
                            write_problems, write_suppressed)
from netlint.rule import Finding


def _params(f: Finding) -> str:
    if f.params_delta is None:
        return ""
    return f"{count(f.params_before)} → {count(f.params_after)} ({f.params_delta:+,})"


def _source(arguments_from: str) -> str:
    return arguments_from if arguments_from.startswith("guessed") else f"from {arguments_from}"


def _write_findings(findings: list[Finding], stream: TextIO) -> None:
    if not findings:
        stream.write("\n")
        return
    from tabulate import tabulate  # only when there is a table to print

    rows = [[i, location(f.path, f.line, f.column), f"{f.code} {f.name}", f.severity, f.layer, _params(f)]
            for i, f in enumerate(findings, 1)]
    table = tabulate(rows, headers=["#", "location", "rule", "severity", "layer",
                                    "params before → after (Δ)"], tablefmt="simple")
    stream.write("".join(f"  {line}\n" for line in table.splitlines()))
    for i, f in enumerate(findings, 1):
        stream.write(f"  [{i}] {f.message}\n      fix: {f.fix}\n")
        status = fix_status(f)
        if status:
            stream.write(f"      {status}\n")
    stream.write("\n")


def write(result: LintResult, stream: TextIO, errors: TextIO, verbose: bool) -> None:
    by_target: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_target[f.target].append(f)
    for model in result.models:
        findings = by_target.pop(model.target, [])
        stream.write(f"{model.target}\n")
        if model.call and model.arguments_from != "given":
            stream.write(f"  built as {model.call} (arguments {_source(model.arguments_from)})\n")
        stream.write(
            f"  task {model.task} ({model.task_reason}); "
            f"input {' + '.join(shape(s) for s in model.input_shapes)} ({model.input_reason}); "
            f"{count(model.params)} parameters; capture {model.capture}"
            f"{'' if model.built_on == 'meta' else f' (built on {model.built_on}: it does not build on meta)'}; "
            f"fixes save {count(model.params_saved)} parameters\n")
        _write_findings(findings, stream)
    for target, findings in by_target.items():  # findings in files read as source (training scripts)
        stream.write(f"{target}\n")
        _write_findings(findings, stream)
    models = len(result.models)
    line = f"Found {totals(result)} in {models} model{'s' * (models != 1)}"
    if by_target:
        line += f" and {len(by_target)} other file{'s' * (len(by_target) != 1)}"
    extra = [f"{len(result.errors)} error{'s' * (len(result.errors) != 1)}"] if result.errors else []
    stream.write(line + (f" ({', '.join(extra)})" if extra else "") + ".\n")
    if skipped_models(result):
        stream.write(f"{skipped_models(result)}.\n")
    if fixable_hint(result):
        stream.write(f"{fixable_hint(result)}\n")
    write_suppressed(result, stream)
    write_problems(result, errors, verbose)
