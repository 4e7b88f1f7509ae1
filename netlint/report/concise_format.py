"""``path:line:col: CODE message``, one line per finding."""

from __future__ import annotations

from typing import TextIO

from netlint.lint import LintResult
from netlint.report import location, skipped_models, write_problems, write_suppressed


def write(result: LintResult, stream: TextIO, errors: TextIO, verbose: bool) -> None:
    for f in result.findings:
        stream.write(f"{location(f.path, f.line, f.column)}: {f.code} {f.message}\n")
    if result.findings:
        stream.write(f"Found {len(result.findings)} finding{'s' * (len(result.findings) != 1)}.\n")
    if skipped_models(result):
        stream.write(f"{skipped_models(result)}.\n")
    write_suppressed(result, stream)
    write_problems(result, errors, verbose)
