"""Output formats. Each module formats a LintResult and computes nothing."""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from typing import TextIO

from netlint.fix.changes import Applicability
from netlint.result import LintResult, ModelSummary
from netlint.rule import Finding
from netlint.source import cell_position, notebook_file_position

FORMATS = ("full", "concise", "json", "sarif", "github", "html")


def write(result: LintResult, fmt: str, stream: TextIO, errors: TextIO, verbose: bool) -> None:
    importlib.import_module(f"netlint.report.{fmt}_format").write(result, stream, errors, verbose)


def shape(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape))


def count(n: int | None) -> str:
    return "-" if n is None else f"{n:,}"


def location(path: str | None, line: int | None, column: int | None = None) -> str:
    """``path:line:column``; in a notebook ``path:cell N:line:column``, the line within the cell."""
    cell = cell_position(path, line) if path and line else None
    if cell is not None:
        return ":".join([path, f"cell {cell[0]}", *(str(x) for x in (cell[1], column) if x is not None)])
    parts = [path or "?"] + [str(x) for x in (line, column) if x is not None]
    return ":".join(parts)


def cell_of(path: str | None, line: int | None) -> tuple[int, int] | None:
    """(cell number, line within the cell) of a notebook's line; None in another file."""
    return cell_position(path, line) if path and line else None


def in_file(path: str | None, line: int | None, column: int | None) -> tuple[int | None, int | None]:
    """The line and column as an editor showing the file's text counts them: in a notebook,
    where the cell's line is in its JSON."""
    found = notebook_file_position(path, line, column) if path and line else None
    return found if found is not None else (line, column)


_NOTEBOOK_LINE = re.compile(r"([^\s:()]+\.ipynb):(\d+)\b")


def with_cells(text: str) -> str:
    """A message's ``nb.ipynb:14`` (a line of a notebook's module) as ``nb.ipynb:cell 4:2``."""
    return _NOTEBOOK_LINE.sub(lambda m: location(m.group(1), int(m.group(2))), text) if ".ipynb:" in text else text


def params_change(f: Finding) -> str:
    """"1,024 → 512 (-512)": the finding's parameter count before and after its fix."""
    if f.params_delta is None:
        return ""
    return f"{count(f.params_before)} → {count(f.params_after)} ({f.params_delta:+,})"


def model_lines(model: ModelSummary) -> list[str]:
    """The summary of a model: how it was built, its task, input, parameters and capture."""
    lines = []
    if model.call and model.arguments_from != "given":
        source = model.arguments_from if model.arguments_from.startswith("guessed") else f"from {model.arguments_from}"
        lines.append(f"built as {model.call} (arguments {source})")
    lines.append(
        f"task {model.task} ({model.task_reason}); "
        f"input {' + '.join(shape(s) for s in model.input_shapes)} ({model.input_reason}); "
        f"{count(model.params)} parameters; capture {model.capture}"
        f"{_built_on(model.built_on)}; "
        f"fixes save {count(model.params_saved)} parameters")
    if model.stand_ins:
        lines.append(f"stand-ins for modules that are not installed: {', '.join(model.stand_ins)}")
    return [with_cells(line) for line in lines]


def _built_on(built_on: str) -> str:
    if built_on == "meta":
        return ""
    if built_on == "meta-with-cpu-values":  # load/deferred
        return f" (built on {built_on}: it reads tensor values, made on the CPU; weights only for the layers run there)"
    return f" (built on {built_on}: it does not build on meta)"


def by_target(result: LintResult) -> tuple[dict[str, list[Finding]], dict[str, list[Finding]]]:
    """The findings of each model, and those of the files read as source only (training scripts)."""
    of_model: dict[str, list[Finding]] = defaultdict(list)
    of_files: dict[str, list[Finding]] = {}
    models = {m.target for m in result.models}
    for f in result.findings:
        (of_model[f.target] if f.target in models else of_files.setdefault(f.target, [])).append(f)
    return of_model, of_files


def found_line(result: LintResult, other_files: int) -> str:
    """The closing count: "Found 3 findings in 2 models (1 error)."."""
    models = len(result.models)
    line = f"Found {totals(result)} in {models} model{'s' * (models != 1)}"
    if other_files:
        line += f" and {other_files} other file{'s' * (other_files != 1)}"
    errors = len(result.errors)
    return line + (f" ({errors} error{'s' * (errors != 1)})" if errors else "") + "."


def fix_status(f: Finding) -> str | None:
    """What ``--fix`` can do about the finding, for the reports that say it."""
    fix = f.autofix
    if fix is None:
        return None
    if fix.unavailable:
        return fix.unavailable
    if f.fix_applicability is Applicability.SAFE:
        return "safe fix: netlint --fix applies it"
    return "unsafe fix: netlint --fix --unsafe-fixes applies it"


def totals(result: LintResult) -> str:
    """"5 findings (3 fixed, 2 remaining)", as ruff counts them."""
    n, fixed = len(result.findings), len(result.fixed)
    total = f"{n + fixed} finding{'s' * (n + fixed != 1)}"
    return f"{total} ({fixed} fixed, {n} remaining)" if fixed else total


def fixable_hint(result: LintResult) -> str | None:
    """How many of the findings ``--fix`` would fix."""
    safe = sum(f.fix_applicability is Applicability.SAFE for f in result.findings)
    unsafe = sum(f.fix_applicability is Applicability.UNSAFE for f in result.findings)
    if not safe:
        return f"[*] {unsafe} fixable with netlint --fix --unsafe-fixes." if unsafe else None
    more = f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""
    return f"[*] {safe} fixable with netlint --fix{more}."


def skipped_models(result: LintResult) -> str | None:
    """The summary's word on the models not linted: how many, and the first one's reason."""
    models = [s for s in result.skipped if s.model]
    if not models:
        return None
    n = len(models)
    return f"{n} model{'s' * (n != 1)} skipped ({models[0].target}: {models[0].reason})"


def write_suppressed(result: LintResult, stream: TextIO) -> None:
    """With --show-suppressed: each finding not reported, and why."""
    for s in result.suppressed:
        f = s.finding
        stream.write(f"suppressed: {location(f.path, f.line, f.column)}: {f.code} {f.message} [{s.reason}]\n")


def cost_line(model) -> str:
    """``import 0.02 s, build 0.10 s, capture 0.31 s, rules 0.04 s; loaded sympy`` (-v)."""
    steps = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in model.cost)
    return f"{steps}; loaded {', '.join(model.loaded) if model.loaded else 'no compiler module'}"


def write_problems(result: LintResult, errors: TextIO, verbose: bool) -> None:
    """Errors (always); with --verbose, what user code printed, notes and skipped targets; on stderr."""
    for problem in result.errors:
        where = location(problem.path, problem.line) if problem.path else problem.target
        about = "" if problem.target in (problem.path, where) else f"{problem.target}: "  # a file's own error
        errors.write(f"error: {where}: {about}{with_cells(problem.message)}\n")
        if verbose and problem.detail:
            errors.write(problem.detail)
    if verbose:
        for where, text in result.printed:
            errors.write(f"printed by {where}:\n" + "".join(f"  {line}\n" for line in text.splitlines()))
        for model in result.models:
            for note in model.notes:
                errors.write(f"note: {model.target}: {with_cells(note)}\n")
            if model.cost:
                errors.write(f"time: {model.target}: {cost_line(model)}\n")
        for skipped in result.skipped:
            kind = "skipped" if skipped.model else "not a root model"
            errors.write(f"{kind}: {skipped.target}: {skipped.reason}\n")
