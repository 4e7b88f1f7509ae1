"""GitHub Actions workflow commands: an annotation per finding and per error, then a summary.
https://docs.github.com/actions/reference/workflow-commands-for-github-actions"""

from __future__ import annotations

from typing import TextIO

from netlint.report import cell_of, in_file, location, skipped_models, write_problems, write_suppressed
from netlint.result import LintResult

COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def write(result: LintResult, stream: TextIO, errors: TextIO, verbose: bool) -> None:
    for f in result.findings:
        line, column = in_file(f.path, f.line, f.column)  # (a notebook's: its JSON's, the cell named in the text)
        where = f"{location(f.path, f.line, f.column)}: " if cell_of(f.path, f.line) else ""
        properties = {"file": f.path, "line": line, "col": column, "title": f"{f.code} {f.name}"}
        stream.write(_command(COMMAND[f.severity], properties, f"{where}{f.message}\nfix: {f.fix}"))
    for e in result.errors:
        properties = {"file": e.path, "line": in_file(e.path, e.line, None)[0],
                      "title": f"netlint could not analyze {e.target}"}
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
