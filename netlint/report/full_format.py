"""The default report: per model a summary line and a table of its findings."""

from __future__ import annotations

from typing import TextIO

from netlint.report import (by_target, fix_status, fixable_hint, found_line, location, model_lines, params_change,
                            skipped_models, write_problems, write_suppressed)
from netlint.result import LintResult
from netlint.rule import Finding


def _write_findings(findings: list[Finding], stream: TextIO) -> None:
    if not findings:
        stream.write("\n")
        return
    from tabulate import tabulate  # only when there is a table to print

    rows = [[i, location(f.path, f.line, f.column), f"{f.code} {f.name}", f.severity, f.layer, params_change(f)]
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
    of_model, of_files = by_target(result)
    for model in result.models:
        stream.write(f"{model.target}\n")
        stream.write("".join(f"  {line}\n" for line in model_lines(model)))
        _write_findings(of_model[model.target], stream)
    for target, findings in of_files.items():  # findings in files read as source (training scripts)
        stream.write(f"{target}\n")
        _write_findings(findings, stream)
    stream.write(found_line(result, len(of_files)) + "\n")
    if skipped_models(result):
        stream.write(f"{skipped_models(result)}.\n")
    if fixable_hint(result):
        stream.write(f"{fixable_hint(result)}\n")
    write_suppressed(result, stream)
    write_problems(result, errors, verbose)
