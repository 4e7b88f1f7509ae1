"""GitHub Actions workflow commands: an annotation per finding and per error, then a summary.
https://docs.github.com/actions/reference/workflow-commands-for-github-actions"""

from __future__ import annotations

from typing import TextIO

from netlint.report import skipped_models, write_problems, write_suppressed
from netlint.result import LintResult

COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def write(result: LintResult, stream: TextIO, errors: TextIO, verbose: bool) -> None:
    for f in result.findings:
        properties = {"file": f.path, "line": f.line, "col": f.column, "title": f"{f.code} {f.name}"}
        stream.write(_command(COMMAND[f.severity], properties, f"{f.message}\nfix: {f.fix}"))
    for e in result.errors:
        properties = {"file": e.path, "line": e.line, "title": f"netlint could not analyze {e.target}"}
        stream.write(_command("error", properties, e.message))
    if skipped_models(result):
        stream.write(_command("warning", {"title": "netlint skipped models"}, skipped_models(result)))
    n = len(result.findings)
    stream.write(f"Found {n} finding{'s' * (n != 1)}"
                 f"{f' and {len(result.errors)} error' + 's' * (len(result.errors) != 1) if result.errors else ''}.\n")
    write_suppressed(result, stream)
    write_problems(result, errors, verbose)


def _command(name: str, properties: dict, message: str) -> str:
    given = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items()
                     if value is not None)
    return f"::{name} {given}::{_escape_data(message)}\n" if given else f"::{name}::{_escape_data(message)}\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
