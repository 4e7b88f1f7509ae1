"""Run rules on a model's source in this process: the fast way to test a rule, as pyflakes'
tests run ``self.flakes(code, messages.X)``.

    from netlint.harness import findings
    from netlint.rules.bias_before_norm import BiasBeforeNorm

    assert findings(CODE, BiasBeforeNorm) == [(7, "NL102")]

The code is written to a temporary folder and goes through the real phases (discover, load in
the sandbox, capture, the rule), one file, no worker process, no config, no registration: a
rule that is not in ``pyproject.toml`` yet runs as well. Tests of what users see (messages in
each format, exit codes, fixes) still go through the CLI.
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

from netlint.config import Config
from netlint.discover import discover
from netlint.lint import lint_file, warm_up
from netlint.result import LintResult
from netlint.rule import Rule, SourceRule
from netlint.target import Options


def lint_code(code: str, *rules: type[Rule], input_shapes: tuple[tuple[int, ...], ...] = (), task: str = "auto",
              file_name: str = "model.py") -> LintResult:
    """The result of ``rules`` (classes) on every model ``code`` defines (dedented)."""
    from netlint.rule_registry import run_source_rules
    from netlint.scratch import scratch_folder

    result = LintResult()
    graph_rules = [rule() for rule in rules if not issubclass(rule, SourceRule)]
    source_rules = [rule() for rule in rules if issubclass(rule, SourceRule)]
    text = textwrap.dedent(code)
    with tempfile.TemporaryDirectory(prefix="netlint-harness-") as folder:
        path = Path(folder) / file_name
        path.write_text(text, encoding="utf-8")
        found = discover([str(path)])
        result.errors += found.problems
        result.skipped += found.skipped
        if source_rules:
            result.findings += run_source_rules(str(path), text, source_rules, Config())
        if graph_rules and found.targets:
            warm_up()  # imports capture and load in the order a lint does
            options = Options(input_shapes=input_shapes, task=task, timeout=None)
            with scratch_folder() as scratch:
                work = [(t, options) for t in found.targets]
                for kind, _, part in lint_file(work, rules=graph_rules, scratch=scratch):
                    if kind == "part":
                        result.models += part.models
                        result.findings += part.findings
                        result.errors += part.errors
                        result.skipped += part.skipped
    result.findings.sort(key=lambda f: (f.line or 0, f.column or 0, f.code))
    return result


def findings(code: str, *rules: type[Rule], **options) -> list[tuple[int | None, str]]:
    """(line, code) of each finding of ``rules`` on ``code``, in order; an AssertionError
    naming the problem when a model could not be analyzed (a test never passes on a model
    that was not linted)."""
    result = lint_code(code, *rules, **options)
    if result.errors:
        raise AssertionError("; ".join(f"{p.target}: {p.message}" for p in result.errors))
    return [(f.line, f.code) for f in result.findings]
