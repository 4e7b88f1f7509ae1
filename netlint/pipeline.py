"""The check pipeline as named phases, in the order ``netlint check`` runs them:

    lint (discover → load/capture → rules) → decide → fix → report → exit code

``netlint check`` (netlint.cli) is this sequence and nothing else; the daemon and the language
server run ``netlint check`` in a child of their warm engine, after ``prepare``, so every front
end goes through the same phases. Each phase takes what the one before it returned.
"""

from __future__ import annotations

import time

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from netlint.command_line import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from netlint.config import Config
from netlint.lint import lint_paths
from netlint.result import LintResult
from netlint.target import Options

if TYPE_CHECKING:  # the fixes' module imports libcst: only a run with fixes loads it
    from netlint.cache import ResultCache
    from netlint.fix.verify import Fixed

Baseline = tuple[Path, dict]  # the baseline file, and its findings (netlint.policy.baseline.Fingerprint -> count)


def prepare() -> None:
    """Import and warm up what every phase needs (torch, the rules, capture, libcst), once,
    before the first lint: what the daemon's and the server's engine do before they serve."""
    from netlint.fix.apply import preload
    from netlint.lint import warm_up
    from netlint.rule_registry import available_rules, available_source_rules

    preload()
    available_rules(), available_source_rules()
    warm_up()


def lint(paths: Sequence[str], options: Options, config: Config, jobs: int = 1,
         cache: ResultCache | None = None) -> LintResult:
    """discover → load → capture → rules, each model in a worker (netlint.lint); libcst, which
    the fixes need, is imported while the workers lint. With ``cache``, an unchanged file's
    result comes from it (netlint.cache)."""
    from netlint.fix.apply import preload

    return lint_paths(paths, options, config, jobs, meanwhile=preload, cache=cache)


def open_cache(config: Config, reading: bool = True) -> ResultCache:
    """The project's cache (``NETLINT_CACHE_DIR``, the config's ``cache-dir``, else the user's
    cache folder); ``reading=False`` for a run that edits files: it writes entries, never reads them."""
    from netlint.cache import ResultCache, cache_root, project_folder

    return ResultCache(project_folder(cache_root(config.cache_dir), config.root), reading)


def read_baseline(path: Path) -> Baseline:
    """The findings the baseline file holds (read before the lint: a bad file fails fast)."""
    from netlint.policy.baseline import read_baseline as read

    return path, read(path)


def update_baseline(path: Path, result: LintResult, config: Config, use_noqa: bool) -> Baseline:
    """``--update-baseline``: every finding the policy keeps, written to ``path``, read back."""
    from netlint.policy.baseline import write_baseline
    from netlint.policy.decide import decide as apply_policy

    write_baseline(path, apply_policy(result, config, use_noqa).findings)
    return read_baseline(path)


def decide(result: LintResult, config: Config, use_noqa: bool = True, baseline: Baseline | None = None) -> LintResult:
    """The config's severities, then per-file-ignores, noqa comments and the baseline
    (netlint.policy), with each remaining finding's fix resolved to edits."""
    from netlint.fix.apply import with_edits
    from netlint.policy.decide import decide as apply_policy

    return with_edits(apply_policy(result, config, use_noqa, baseline))


def relinter(options: Options, config: Config, jobs: int, use_noqa: bool,
             baseline: Baseline | None) -> Callable[[Sequence[str]], LintResult]:
    """What verifying a fix runs on the edited files: lint, then the same policy."""
    from netlint.policy.decide import decide as apply_policy

    def relint(targets: Sequence[str]) -> LintResult:
        return apply_policy(lint(targets, options, config, jobs), config, use_noqa, baseline)

    return relint


def fix(result: LintResult, config: Config, relint: Callable[[Sequence[str]], LintResult],
        write: bool = True) -> tuple[LintResult, Fixed]:
    """The fixes ``--fix`` (and ``--unsafe-fixes``) allow, each verified by ``relint``; with
    ``write``, the files they change are written. The report after fixing, and the changes."""
    from netlint.fix.apply import fix as run_fixes

    return run_fixes(result, config, relint, config.unsafe_fixes, write=write)


def write_diff(result: LintResult, fixed: Fixed, stream: TextIO, errors: TextIO, verbose: bool) -> int:
    """``--diff``: the diff the fixes would apply, and its exit code."""
    from netlint.fix.apply import write_diff as write_texts
    from netlint.report import write_problems

    write_texts(fixed.texts, stream)
    n = len(fixed.findings)
    print(f"Would fix {n} finding{'s' * (n != 1)}.", file=errors)
    write_problems(result, errors, verbose)
    return EXIT_ERROR if result.errors else EXIT_FINDINGS if fixed.texts else EXIT_CLEAN


def report(result: LintResult, fmt: str, stream: TextIO, errors: TextIO, verbose: bool = False,
           show_suppressed: bool = False) -> None:
    """The report in ``fmt`` (netlint.report.FORMATS, or "statistics")."""
    from netlint.report import write

    started = time.perf_counter()
    write(result if show_suppressed else replace(result, suppressed=[]), fmt, stream, errors, verbose)
    if verbose and result.models:
        errors.write(f"time: the report: {time.perf_counter() - started:.2f} s for {len(result.models)} "
                     f"model{'s' * (len(result.models) != 1)}\n")


def exit_code(result: LintResult, config: Config, changed: bool = False, exit_zero: bool = False,
              exit_non_zero_on_fix: bool = False) -> int:
    """2 when a model could not be analyzed, 1 for findings at the config's fail level (or a
    file ``--fix`` changed, with ``exit_non_zero_on_fix``), else 0."""
    if result.errors:
        return EXIT_ERROR
    failing = any(config.fails(f.severity) for f in result.findings) or (changed and exit_non_zero_on_fix)
    return EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN
