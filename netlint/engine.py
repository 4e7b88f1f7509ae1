"""Find the rules (built-in and plug-in alike, through entry points), choose which run,
and run them over a graph."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib.metadata import entry_points

from netlint.graph import ModelGraph
from netlint.rule import CODE_PATTERN, SEVERITIES, Finding, Rule

ENTRY_POINT_GROUP = "netlint.rules"


class RuleLoadError(Exception):
    pass


@functools.lru_cache(maxsize=1)
def available_rules() -> tuple[type[Rule], ...]:
    """Every rule registered in the ``netlint.rules`` entry-point group, sorted by code."""
    rules: dict[str, type[Rule]] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        where = entry.dist.name if entry.dist else entry.value
        try:
            rule = entry.load()
        except Exception as exc:
            raise RuleLoadError(f"plug-in {where}: cannot load rule {entry.name} "
                                f"({type(exc).__name__}: {exc})") from exc
        code = getattr(rule, "code", None)
        if not (isinstance(rule, type) and issubclass(rule, Rule)):
            raise RuleLoadError(f"plug-in {where}: {entry.value} is not a netlint Rule")
        if not isinstance(code, str) or not CODE_PATTERN.match(code):
            raise RuleLoadError(f"plug-in {where}: rule code {code!r} does not match [A-Z]{{1,3}}[0-9]{{3}}")
        if rule.severity not in SEVERITIES:
            raise RuleLoadError(f"plug-in {where}: rule {code} has unknown severity {rule.severity!r}")
        if code in rules and rules[code] is not rule:
            raise RuleLoadError(f"plug-in {where}: rule code {code} is already taken by "
                                f"{rules[code].__module__}.{rules[code].__name__}")
        rules[code] = rule
    return tuple(rules[code] for code in sorted(rules))


def is_selected(code: str, select: Sequence[str], ignore: Sequence[str], default: bool) -> bool:
    """ruff's resolution: the longest matching prefix decides; on a tie, ignore wins.
    With no ``select`` given, a rule runs when it is on by default."""
    best_select = max((_specificity(p) for p in select if p == "ALL" or code.startswith(p)), default=-1)
    best_ignore = max((_specificity(p) for p in ignore if p == "ALL" or code.startswith(p)), default=-1)
    if best_select < 0:
        return default and not select and best_ignore < 0
    return best_select > best_ignore


def _specificity(prefix: str) -> int:
    return 0 if prefix == "ALL" else len(prefix)


def selected_rules(select: Sequence[str] = (), ignore: Sequence[str] = ()) -> list[Rule]:
    return [rule() for rule in available_rules()
            if is_selected(rule.code, select, ignore, rule.enabled_by_default)]


def run_rules(graph: ModelGraph, rules: Sequence[Rule]) -> list[Finding]:
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(rule.check(graph))
    return sorted(findings, key=lambda f: (f.path or "", f.line or 0, f.column or 0, f.code, f.layer))
