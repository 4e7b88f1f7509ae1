"""The fix phase: the declared fixes resolved to edits (``with_edits``), the ones the config allows
verified and written (``fix``), or shown as a diff (``write_diff``)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace
from typing import TextIO

from netlint.config import Config
from netlint.notebook import cell_diffs, is_notebook
from netlint.source import notebook_at
from netlint.fix.changes import Applicability
from netlint.result import LintResult
from netlint.rule import Finding
from netlint.target import Problem


def preload() -> None:
    """Import what resolving fixes needs (libcst, ~0.2 s): the CLI runs it while the workers lint."""
    import netlint.fix.edits  # noqa: F401


def with_edits(result: LintResult) -> LintResult:
    """The findings whose rules declared a fix, with its edits or the reason there are none."""
    if all(f.autofix is None or f.autofix.resolved for f in result.findings):
        return result  # libcst is imported only for fixes to resolve (the cache keeps resolved ones)
    from netlint.fix.edits import resolve

    return replace(result, findings=resolve(result.findings))


def fixable(findings: Sequence[Finding], config: Config, unsafe: bool) -> list[Finding]:
    """The findings ``--fix`` applies: safe fixes (and unsafe ones with ``unsafe``) of the
    codes ``fixable``/``unfixable`` allow."""
    allowed = (Applicability.SAFE, Applicability.UNSAFE) if unsafe else (Applicability.SAFE,)
    return [f for f in findings if f.fix_applicability in allowed and config.may_fix(f.code)]


def fix(result: LintResult, config: Config, relint, unsafe: bool, write: bool):
    """Verify the fixable findings' fixes; with ``write``, write the files they change.
    Returns the report after fixing and the verified changes (netlint.fix.verify.Fixed)."""
    from netlint.fix.verify import marked, verified_fixes, write_atomically

    fixed = verified_fixes(result, fixable(result.findings, config, unsafe), relint)
    if write:
        for path, (before, after) in fixed.texts.items():
            problem = write_atomically(path, before, after)
            if problem is not None:
                result.errors.append(Problem(path, path, None, problem))
                fixed.findings = [f for f in fixed.findings if all(e.path != path for e in f.autofix.edits)]
    return with_edits(marked(result, fixed)), fixed


def write_diff(texts: dict[str, tuple[str, str]], stream: TextIO) -> None:
    """The unified diff ``--fix`` would apply, file by file."""
    for path, (before, after) in sorted(texts.items()):
        if is_notebook(path):  # each changed cell, with its lines as the notebook shows them
            stream.writelines(cell_diffs(path, notebook_at(path), after))
            continue
        stream.writelines(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                               fromfile=f"a/{path}", tofile=f"b/{path}"))
