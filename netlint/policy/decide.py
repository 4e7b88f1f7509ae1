"""What is reported, once every model is linted: the config's severities, then
per-file-ignores, noqa comments and the baseline take findings out (kept as suppressed)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from netlint.policy.baseline import Fingerprint, split_known
from netlint.config import Config
from netlint.result import LintResult, Suppressed
from netlint.policy.suppression import noqa_reason


def decide(result: LintResult, config: Config, use_noqa: bool = True,
           baseline: tuple[Path, dict[Fingerprint, int]] | None = None) -> LintResult:
    findings = [replace(f, severity=config.severity[f.code]) if f.code in config.severity else f
                for f in result.findings]
    kept, suppressed = [], []
    for finding in findings:
        file = finding.path or (finding.target.partition("::")[0] if "::" in finding.target else None)
        reason = "per-file-ignores" if file and config.ignored_in_file(file, finding.code) else None
        if reason is None and use_noqa:
            reason = noqa_reason(finding)
        if reason is None:
            kept.append(finding)
        else:
            suppressed.append(Suppressed(finding, reason))
    if baseline is not None:
        path, known = baseline
        kept, old = split_known(kept, known, path.resolve().parent)
        suppressed += [Suppressed(f, f"in baseline {path}") for f in old]
    return replace(result, findings=kept, suppressed=suppressed)
