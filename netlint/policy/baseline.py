"""A baseline file: the findings a project has accepted, so that only new ones are reported.

A finding is known by its code, target and layer, not its line, so that it stays known
when code above it moves. File targets are stored relative to the baseline's folder, so
the baseline works from any working directory.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from netlint.rule import Finding

FORMAT_VERSION = 1

Fingerprint = tuple[str, str, str]  # (code, target, layer)


class BaselineError(Exception):
    pass


def fingerprint(finding: Finding, folder: Path) -> Fingerprint:
    return finding.code, _target_from(finding.target, folder), finding.layer


def _target_from(target: str, folder: Path) -> str:
    if "::" not in target and target.endswith(".py"):  # a file read as source (a training script)
        return Path(os.path.relpath(Path(target).resolve(), folder.resolve())).as_posix()
    if "::" not in target:
        return target  # "package.module:factory"
    path, _, name = target.partition("::")
    return f"{Path(os.path.relpath(Path(path).resolve(), folder.resolve())).as_posix()}::{name}"


def read_baseline(path: Path) -> Counter[Fingerprint]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        entries = document["findings"]
        return Counter((e["code"], e["target"], e["layer"]) for e in entries)
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist (write it with --update-baseline)") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BaselineError(f"baseline {path} is not a netlint baseline: {type(exc).__name__}: {exc}") from None


def write_baseline(path: Path, findings: Iterable[Finding]) -> None:
    folder = path.resolve().parent
    entries = sorted(
        ({"code": f.code, "target": _target_from(f.target, folder), "layer": f.layer, "message": f.message}
         for f in findings),
        key=lambda e: (e["target"], e["code"], e["layer"]))
    document = {"netlint-baseline": FORMAT_VERSION, "findings": entries}
    try:
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc}") from None


def split_known(findings: Iterable[Finding], known: Counter[Fingerprint],
                folder: Path) -> tuple[list[Finding], list[Finding]]:
    """The findings the baseline does not hold, and those it does (each entry counts once)."""
    remaining = Counter(known)
    new: list[Finding] = []
    old: list[Finding] = []
    for finding in findings:
        key = fingerprint(finding, folder)
        if remaining[key] > 0:
            remaining[key] -= 1
            old.append(finding)
        else:
            new.append(finding)
    return new, old
