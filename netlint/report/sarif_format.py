"""SARIF 2.1.0, as GitHub code scanning reads it: one run, the rules that ran with their
documentation, a result per finding located by a repository-relative URI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from netlint import __version__
from netlint.report import cell_of, in_file, skipped_models, write_problems
from netlint.result import LintResult
from netlint.rule import Finding

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ROOT = "%SRCROOT%"


def write(result: LintResult, stream: TextIO, errors: TextIO, verbose: bool) -> None:
    skipped = skipped_models(result)
    root = _repository_root()
    rule_index = {rule.code: i for i, rule in enumerate(result.rules)}
    results = [_result(f, root, rule_index) for f in result.findings]
    for suppressed in result.suppressed:
        kind = "inSource" if "noqa" in suppressed.reason else "external"
        results.append({**_result(suppressed.finding, root, rule_index),
                        "suppressions": [{"kind": kind, "justification": suppressed.reason}]})
    run = {
        "tool": {"driver": {
            "name": "netlint",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [
                {
                    "id": rule.code,
                    "name": rule.name,
                    "shortDescription": {"text": rule.summary},
                    "fullDescription": {"text": rule.description},
                    "help": {"text": rule.doc, "markdown": rule.doc},
                    "defaultConfiguration": {"level": rule.severity},
                }
                for rule in result.rules
            ],
        }},
        "invocations": [{
            "executionSuccessful": not result.errors,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": f"{e.target}: {e.message}"},
                 **({"locations": [_location(e.path, e.line, None, root)]} if e.path else {})}
                for e in result.errors
            ] + ([{"level": "warning", "message": {"text": skipped}}] if skipped else []),
        }],
        "originalUriBaseIds": {ROOT: {"uri": root.as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    json.dump({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
    write_problems(result, errors, verbose)


def _result(f: Finding, root: Path, rule_index: dict[str, int]) -> dict:
    result = {
        "ruleId": f.code,
        "level": f.severity,
        "message": {"text": f"{f.message}. Fix: {f.fix}"},
        "partialFingerprints": {"netlint/v1": _fingerprint(f, root)},
        "properties": {"target": f.target, "layer": f.layer, "params_before": f.params_before,
                       "params_after": f.params_after, "params_delta": f.params_delta},
    }
    if f.code in rule_index:
        result["ruleIndex"] = rule_index[f.code]
    if f.path:
        result["locations"] = [_location(f.path, f.line, f.column, root)]
    return result


def _location(path: str, line: int | None, column: int | None, root: Path) -> dict:
    resolved = Path(path).resolve()
    try:
        artifact = {"uri": quote(resolved.relative_to(root).as_posix()), "uriBaseId": ROOT}
    except ValueError:
        artifact = {"uri": resolved.as_uri()}
    location: dict = {"artifactLocation": artifact}
    cell = cell_of(path, line)
    if line:
        # in a notebook, the line of its JSON that holds the cell's line: what viewers show of the file
        file_line, file_column = in_file(path, line, column)
        location["region"] = {"startLine": file_line, **({"startColumn": file_column} if file_column else {})}
    if cell is not None:
        return {"physicalLocation": location, "properties": {"cell": cell[0], "cellLine": cell[1],
                                                              **({"cellColumn": column} if column else {})}}
    return {"physicalLocation": location}


def _fingerprint(f: Finding, root: Path) -> str:
    """Code, target and layer, as the baseline knows a finding: stable when lines move."""
    target = f.target
    if "::" in target or target.endswith(".py"):  # a model in a file, or a file read as source
        path, separator, name = target.partition("::")
        try:
            target = f"{Path(path).resolve().relative_to(root).as_posix()}{separator}{name}"
        except ValueError:
            pass
    return hashlib.sha256(f"{f.code}\0{target}\0{f.layer}".encode()).hexdigest()


def _repository_root() -> Path:
    """The enclosing git repository's top folder (paths in code scanning are relative to
    it), or the working directory outside a repository."""
    cwd = Path.cwd().resolve()
    return next((folder for folder in (cwd, *cwd.parents) if (folder / ".git").exists()), cwd)
