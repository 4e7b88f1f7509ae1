"""Recall and false positives of netlint on NeuraLint's benchmark programs translated to PyTorch
(bench/neuralint/: Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using
Graph Transformations", TOSEM 2021; the labels in bench/neuralint/labels.toml).

A fault is found when a finding of the netlint rule its label expects is reported on one of its
model lines and, for a mistake of the last layer against the loss, at the loss too (on one of its
loss lines, or naming one of them in its message). Any warning on a clean program is a false
positive; notes on clean programs, and findings no label expects on the buggy ones, are listed.
The folder is linted by one run of the real CLI.

    python bench/neuralint.py [--corpus DIR] [netlint flags...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "bench" / "neuralint"


def lint(folder: Path, flags: list[str]) -> dict:
    proc = subprocess.run([sys.executable, "-m", "netlint", str(folder), "--output-format", "json", "--no-daemon",
                           "--no-cache", "-j", "2", "--timeout", "120", *flags],
                          capture_output=True, text=True, cwd=folder)
    if not proc.stdout:
        sys.exit(proc.stderr)
    return json.loads(proc.stdout)


def at(finding: dict, file: str, lines: list[int]) -> bool:
    """The finding is reported on one of ``lines`` of ``file``, or names one of them."""
    return finding["line"] in lines or any(f"{file}:{line}" in finding["message"] for line in lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args, netlint_flags = parser.parse_known_args()
    folder = args.corpus.resolve()
    labels = tomllib.loads((folder / "labels.toml").read_text(encoding="utf-8"))
    report = lint(folder, netlint_flags)
    by_file: dict[str, list[dict]] = defaultdict(list)
    for finding in report["findings"]:
        by_file[Path(finding["path"] or finding["target"].partition("::")[0]).name].append(finding)

    per_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # labeled, at the model, found
    loss_labeled = loss_found = 0
    disputed = [0, 0]  # labels we hold are no fault in PyTorch: labeled, found
    missed, false_positives, clean_notes, unexpected = [], [], [], []
    for program in labels["program"]:
        file, faults = program["file"], program["faults"]
        findings = by_file.get(file, [])
        if not faults:
            for f in findings:
                (false_positives if f["severity"] != "note" else clean_notes).append((file, f))
            continue
        expected = set()
        for fault in faults:
            counts = per_rule[fault["neuralint"]]
            counts[0] += 1
            mine = [f for f in findings if f["code"] == fault["netlint"]]
            expected |= {id(f) for f in mine}
            on_model = any(at(f, file, fault["model_lines"]) for f in mine)
            on_loss = not fault["loss_lines"] or any(at(f, file, fault["loss_lines"]) for f in mine)
            counts[1] += on_model
            counts[2] += on_model and on_loss
            if fault.get("disputed"):
                disputed[0] += 1
                disputed[1] += on_model and on_loss
            if fault["loss_lines"]:
                loss_labeled += 1
                loss_found += on_model and on_loss
            if not (on_model and on_loss):
                missed.append((file, fault))
        unexpected += [(file, f) for f in findings if id(f) not in expected]

    print(f"{len(labels['program'])} programs ({sum(1 for p in labels['program'] if not p['faults'])} clean), "
          f"{sum(c[0] for c in per_rule.values())} expressible faults, {len(labels['not_expressible'])} "
          f"not expressible in PyTorch, {len(report['errors'])} analysis errors\n")
    print("| NeuraLint rule | netlint rule | faults | at the model's line | found (and at the loss) |")
    print("| --- | --- | --- | --- | --- |")
    codes = {fault["neuralint"]: fault["netlint"] or "-" for p in labels["program"] for fault in p["faults"]}
    for rule in sorted(per_rule):
        labeled, on_model, found = per_rule[rule]
        print(f"| {rule} | {codes[rule]} | {labeled} | {on_model} | {found} |")
    total = sum(c[0] for c in per_rule.values())
    found = sum(c[2] for c in per_rule.values())
    print(f"| all | | {total} | {sum(c[1] for c in per_rule.values())} | {found} ({found / max(1, total):.0%}) |")
    undisputed = total - disputed[0]
    print(f"without the {disputed[0]} disputed labels: {found - disputed[1]} of {undisputed} "
          f"({(found - disputed[1]) / max(1, undisputed):.0%})")
    print(f"\nlast layer against the loss: {loss_found} of {loss_labeled} found at the model's line and the loss's")
    print(f"false positives (warnings on clean programs): {len(false_positives)}")
    inexpressible = Counter(name.strip() for e in labels["not_expressible"] for name in e["neuralint"].split(","))
    print(f"not expressible in PyTorch ({len(labels['not_expressible'])} programs): "
          + ", ".join(f"{name} {n}" for name, n in sorted(inexpressible.items())))
    for file, fault in missed:
        note = f" [{fault['note']}]" if fault.get("note") else ""
        print(f"missed: {file}:{fault['model_lines'][0]} {fault['neuralint']} ({fault['netlint'] or 'no rule'}){note}")
    for file, f in false_positives:
        print(f"false positive: {file}:{f['line']} {f['code']} {f['message'][:100]}")
    for file, f in clean_notes:
        print(f"note on a clean program: {file}:{f['line']} {f['code']}")
    for file, f in unexpected:
        print(f"unlabeled: {file}:{f['line']} {f['code']} ({f['severity']})")
    for error in report["errors"]:
        print(f"analysis error: {error['target']}: {error['message'][:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
