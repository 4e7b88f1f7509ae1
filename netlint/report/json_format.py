"""The stable JSON schema: version, models, findings, errors, skipped, suppressed, fixed, rules."""

from __future__ import annotations

import json
from typing import TextIO

from netlint import __version__
from netlint.report import cell_of, with_cells, write_problems
from netlint.result import LintResult
from netlint.rule import Finding


def write(result: LintResult, stream: TextIO, errors: TextIO, verbose: bool) -> None:
    document = {
        "version": __version__,
        "models": [
            {
                "target": m.target, "class": m.class_name, "call": m.call or None,
                "arguments_from": with_cells(m.arguments_from) or None, "params": m.params,
                "trainable_params": m.trainable_params, "buffers": m.buffers,
                "capture": m.capture, "built_on": m.built_on, "task": m.task, "task_reason": m.task_reason,
                "input_shape": [list(s) for s in m.input_shapes], "input_reason": with_cells(m.input_reason),
                "output_shape": [list(s) for s in m.output_shapes], "params_saved": m.params_saved,
                "notes": [with_cells(note) for note in m.notes], "stand_ins": list(m.stand_ins),
                "weights_requested": [{"module": module, "weights": weights}
                                      for module, weights in m.weights_requested],
            }
            for m in result.models
        ],
        "findings": [_finding(f) for f in result.findings],
        "errors": [
            {"target": e.target, "path": e.path, **_line(e.path, e.line), "message": with_cells(e.message)}
            for e in result.errors
        ],
        "skipped": [{"target": s.target, "reason": s.reason, "model": s.model} for s in result.skipped],
        "suppressed": [{**_finding(s.finding), "reason": s.reason} for s in result.suppressed],
        "fixed": [_finding(f) for f in result.fixed],
        "rules": [{"code": r.code, "name": r.name, "severity": r.severity, "summary": r.summary,
                   "source": r.source or None} for r in result.rules],
    }
    json.dump(document, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
    write_problems(result, errors, verbose)


def _line(path: str | None, line: int | None) -> dict:
    """``line``; in a notebook ``cell`` (its number) and ``line`` within the cell."""
    cell = cell_of(path, line)
    return {"line": line} if cell is None else {"cell": cell[0], "line": cell[1]}


def _finding(f: Finding) -> dict:
    return {
        "code": f.code, "name": f.name, "severity": f.severity, "target": f.target,
        "layer": f.layer, "layers": list(f.layers or (f.layer,)), "path": f.path, **_line(f.path, f.line),
        "column": f.column,
        "message": f.message, "fix": f.fix, "params_before": f.params_before,
        "params_after": f.params_after, "params_delta": f.params_delta,
        "fix_applicability": f.fix_applicability,
        "edits": [{"path": e.path, "range": {"start": {**_line(e.path, e.line), "column": e.column},
                                             "end": {**_line(e.path, e.end_line), "column": e.end_column}},
                   "new_text": e.text} for e in (f.autofix.edits if f.fix_applicability else ())],
        "fix_unavailable": f.autofix.unavailable or None if f.autofix is not None else None,
    }
