"""Recall and precision of the catalog rules (last layer vs loss, the training code, init
evidence, missing nonlinearities, dropout placement, width heuristics) over a
labeled corpus of small buggy programs (bench/catalog_corpus/: model, loss and loop in one
file, Stack Overflow style, one per rule, several that mix mistakes, and clean twins).

Each program marks the line a rule must report with ``# expect: CODE``; any other finding of
the rules measured is a false positive. The corpus is linted by one run of the real CLI.

    python bench/catalog.py [--corpus DIR] [netlint flags...]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "bench" / "catalog_corpus"
RULES = ("NL106", "NL107", "NL108", "NL204", "NL305", "NL306", "NL307", "NL308", "NL309", "NL310", "NL311", "NL312",
         "NL313", "NL314", "NL502", "NL503")
EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)")


def labels(folder: Path) -> set[tuple[str, str, int]]:
    """(file, code, line) of every ``# expect:`` mark."""
    marks = set()
    for path in sorted(folder.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = EXPECT.search(line)
            if match:
                marks |= {(path.name, code.strip(), number) for code in match["codes"].split(",")
                          if code.strip() in RULES}
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args, netlint_flags = parser.parse_known_args()
    folder = args.corpus.resolve()
    proc = subprocess.run([sys.executable, "-m", "netlint", str(folder), "--output-format", "json", "--no-daemon",
                           "--no-cache", "--select", ",".join(RULES), "-j", "2", "--timeout", "120", *netlint_flags],
                          capture_output=True, text=True, cwd=folder)
    if not proc.stdout:
        print(proc.stderr, file=sys.stderr)
        return 2
    report = json.loads(proc.stdout)
    found = {(Path(f["path"] or f["target"].partition("::")[0]).name, f["code"], f["line"]) for f in report["findings"]
             if f["code"] in RULES}
    expected = labels(folder)
    programs = sorted(p.name for p in folder.glob("*.py"))
    tp, fp, fn = Counter(), Counter(), Counter()
    for _, code, _ in found & expected:
        tp[code] += 1
    for _, code, _ in found - expected:
        fp[code] += 1
    for _, code, _ in expected - found:
        fn[code] += 1
    print(f"{len(programs)} programs ({sum(1 for p in programs if not any(e[0] == p for e in expected))} clean), "
          f"{len(expected)} labeled mistakes, {len(report['errors'])} analysis errors\n")
    print("| rule | labeled | found | false positives | recall | precision |")
    print("| --- | --- | --- | --- | --- | --- |")
    for code in RULES:
        labeled = tp[code] + fn[code]
        reported = tp[code] + fp[code]
        recall = f"{tp[code] / labeled:.0%}" if labeled else "-"
        precision = f"{tp[code] / reported:.0%}" if reported else "-"
        print(f"| {code} | {labeled} | {tp[code]} | {fp[code]} | {recall} | {precision} |")
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"| all | {total_tp + total_fn} | {total_tp} | {total_fp} | "
          f"{total_tp / max(1, total_tp + total_fn):.0%} | {total_tp / max(1, total_tp + total_fp):.0%} |")
    for file, code, line in sorted(expected - found):
        print(f"missed: {file}:{line} {code}")
    for file, code, line in sorted(found - expected):
        print(f"false positive: {file}:{line} {code}")
    for error in report["errors"]:
        print(f"error: {error['target']}: {error['message'][:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
