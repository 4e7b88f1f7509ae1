"""``path:line:col: CODE message``, one line per finding."""

from __future__ import annotations

from typing import TextIO

from netlint.report import fixable_hint, location, skipped_models, totals, write_problems, write_suppressed
from netlint.result import LintResult


def write(result: LintResult, stream: TextIO, errors: TextIO, verbose: bool) -> None:
    for f in result.findings:
        stream.write(f"{location(f.path, f.line, f.column)}: {f.code} {f.message}\n")
    if result.findings or result.fixed:
        stream.write(f"Found {totals(result)}.\n")
    if skipped_models(result):
        stream.write(f"{skipped_models(result)}.\n")
    if fixable_hint(result):
        stream.write(f"{fixable_hint(result)}\n")
    write_suppressed(result, stream)
    write_problems(result, errors, verbose)
