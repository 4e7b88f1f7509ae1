"""``--statistics``: how many findings each rule reported, most first."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from netlint.report import write_problems
from netlint.result import LintResult


def write(result: LintResult, stream: TextIO, errors: TextIO, verbose: bool) -> None:
    counts = Counter((f.code, f.name) for f in result.findings)
    width = len(str(max(counts.values(), default=0)))
    for (code, name), n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        stream.write(f"{n:>{width}}  {code:<6}  {name}\n")
    write_problems(result, errors, verbose)
