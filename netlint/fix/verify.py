"""Apply fixes only once they verify: the edited files are linted again, in forked workers
that import the edited text (``netlint.source.edited``) while the files on disk stay as
they are. A fix stays when its finding is gone, no finding or error is new, and each model's
parameter count moved by exactly what the fixed findings said. Only then is anything
written, each file at once (``write_atomically``)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from netlint.fix.edits import apply_edits
from netlint.result import LintResult, ModelSummary
from netlint.rule import Finding
from netlint.source import edited, encode_for, read_source, text_of

Relint = Callable[[Sequence[str]], LintResult]  # lint these targets (as reported) again, decided


@dataclass
class Fixed:
    """What verification kept: the findings fixed, the files' texts before and after, and the
    report of the affected models after the edit."""

    findings: list[Finding] = field(default_factory=list)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (before, after)
    after: LintResult | None = None
    rejected: dict[int, str] = field(default_factory=dict)  # id(finding) -> why its fix did not stay


def verified_fixes(result: LintResult, candidates: Sequence[Finding], relint: Relint) -> Fixed:
    """The candidates' fixes that verify, all together; when together they do not, each in
    turn on top of those that did. Findings with the same edits (one line, several models)
    are fixed as one."""
    units, overlapping = _units(candidates)
    fixed = Fixed(rejected={id(f): "fix not applied: it overlaps another fix; run --fix again" for f in overlapping})
    if not units:
        return fixed
    originals = {path: read_source(path) for unit in units for f in unit for path in _paths(f)}
    reason, after = _attempt(result, [f for unit in units for f in unit], originals, relint)
    if reason is not None:
        kept: list[list[Finding]] = []
        for unit in units:
            reason, attempt = _attempt(result, [f for u in [*kept, unit] for f in u], originals, relint)
            if reason is None:
                kept.append(unit)
                after = attempt
            else:
                fixed.rejected.update((id(f), f"fix not applied: it did not verify ({reason})") for f in unit)
        units = kept
    if not units:
        return fixed
    fixed.findings = [f for unit in units for f in unit]
    fixed.texts = {path: (text, _edited_text(path, text, fixed.findings)) for path, text in originals.items()
                   if any(path in _paths(f) for f in fixed.findings)}
    fixed.after = after
    return fixed


def _paths(finding: Finding) -> set[str]:
    return {edit.path for edit in finding.autofix.edits}


def _units(candidates: Sequence[Finding]) -> tuple[list[list[Finding]], list[Finding]]:
    """The candidates grouped by their edits, without the ones that overlap an earlier unit's."""
    units: dict[tuple, list[Finding]] = {}
    overlapping = []
    for finding in candidates:
        edits = finding.autofix.edits
        if edits in units:
            units[edits].append(finding)
        elif any(_overlap(a, b) for taken in units for a in taken for b in edits):
            overlapping.append(finding)
        else:
            units[edits] = [finding]
    return list(units.values()), overlapping


def _overlap(a, b) -> bool:
    return a.path == b.path and (a.line, a.column) < (b.end_line, b.end_column) and \
        (b.line, b.column) < (a.end_line, a.end_column)


def _edited_text(path: str, text: str, findings: Sequence[Finding]) -> str:
    return apply_edits(text, sorted({e for f in findings for e in f.autofix.edits if e.path == path},
                                    key=lambda e: (e.line, e.column)))


def _attempt(result: LintResult, fixes: Sequence[Finding], originals: dict[str, str],
             relint: Relint) -> tuple[str | None, LintResult]:
    """Lint the models the fixes affect with the fixes made; (why they do not verify, or None,
    and what that lint reported)."""
    texts = {path: _edited_text(path, text, fixes) for path, text in originals.items()}
    changed = {path for path in texts if texts[path] != originals[path]}
    affected = [m for m in result.models if changed & set(m.files) or any(f.target == m.target for f in fixes)]
    with edited({Path(path): text for path, text in texts.items() if path in changed}):
        after = relint([m.target for m in affected])
    return _why_not(result, after, fixes, affected), after


def _why_not(before: LintResult, after: LintResult, fixes: Sequence[Finding],
             affected: Sequence[ModelSummary]) -> str | None:
    if after.errors:
        error = after.errors[0]
        return f"{error.target}: {error.message}"
    models = {m.target: m for m in after.models}
    for model in affected:
        now = models.get(model.target)
        if now is None:
            return f"{model.target} is no longer analyzed"
        expected = sum(_params_moved(f) for f in fixes if f.target == model.target)
        if now.params - model.params != expected:
            return (f"{model.target}: the parameter count moved by {now.params - model.params:+,}, "
                    f"not by {expected:+,}")
    counts_before = Counter((f.target, f.code) for f in before.findings)
    counts_fixed = Counter((f.target, f.code) for f in fixes)
    counts_after = Counter((f.target, f.code) for f in after.findings)
    for (target, code), n in sorted(counts_after.items()):
        if n > counts_before[target, code] - counts_fixed[target, code]:
            still = "is still reported" if counts_fixed[target, code] else "is new"
            return f"{target}: a {code} finding {still}"
    return None


def _params_moved(finding: Finding) -> int:
    declared = finding.autofix.params_delta
    return declared if declared is not None else finding.params_delta or 0


def write_atomically(path: str, before: str, after: str) -> str | None:
    """Replace the file's text at once (a temporary file in its folder, then a rename),
    keeping its mode, encoding, byte-order mark and line ends; None, or why it was not written
    (it changed during the run)."""
    target = Path(path)
    original = target.read_bytes()
    if text_of(path, original) != before:
        return f"{path} changed while netlint ran; not written"
    mode = target.stat().st_mode
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".netlint-fix", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(encode_for(path, original, after))
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return None


def marked(result: LintResult, fixed: Fixed) -> LintResult:
    """The report after fixing: the affected models as linted with the fixes made, the
    fixed findings counted, the fixes that did not stay saying why."""
    reasons = {(f.target, f.code, f.layer): fixed.rejected[id(f)] for f in result.findings if id(f) in fixed.rejected}
    findings = result.findings
    models = result.models
    if fixed.after is not None:
        relinted = {m.target: m for m in fixed.after.models}
        findings = [f for f in findings if f.target not in relinted] + [
            f for f in fixed.after.findings if f.target in relinted]  # (source rules' findings are kept as they were)
        models = [relinted.get(m.target, m) for m in models]
    findings = sorted((_with_reason(f, reasons.get((f.target, f.code, f.layer))) for f in findings),
                      key=lambda f: (f.path or "", f.line or 0, f.column or 0, f.code, f.target))
    applied = [replace(f, params_after=f.params_before + _params_moved(f)) if f.params_before is not None else f
               for f in fixed.findings]  # (the parameter effect of the fix made, not of the one suggested)
    return replace(result, models=models, findings=findings, fixed=applied)


def _with_reason(finding: Finding, reason: str | None) -> Finding:
    if reason is None or finding.autofix is None:
        return finding
    return replace(finding, autofix=replace(finding.autofix, unavailable=reason))
