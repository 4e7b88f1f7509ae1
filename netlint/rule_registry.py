"""Find the rules (built-in and plug-in alike, through entry points, and a project's own
rule folders), choose which run, and run them over a graph."""

from __future__ import annotations

import ast
import functools
import importlib.util
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from netlint.entry_points import entry_points
from netlint.rule import CODE_PATTERN, SEVERITIES, Finding, Rule, SourceRule
from netlint.source import read_source

if TYPE_CHECKING:  # models only: a commit without one never imports the graph module
    from netlint.graph import ModelGraph

ENTRY_POINT_GROUP = "netlint.rules"
OWN_RULES = "netlint.rules."


class RuleLoadError(Exception):
    pass


@functools.lru_cache(maxsize=None)
def available_rules(rules_dirs: tuple[str, ...] = ()) -> tuple[type[Rule], ...]:
    """Every rule registered in the ``netlint.rules`` entry-point group, then those of the
    project's own rule folders, sorted by code. netlint's own rules are registered first, so
    a plug-in that takes one of their codes is the one blamed."""
    rules: dict[str, type[Rule]] = {}
    owners: dict[str, str] = {}
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=_own_first):
        rule, where = _load(entry)
        if not (isinstance(rule, type) and issubclass(rule, Rule)):
            raise RuleLoadError(f"{where}: {entry.value} is not a netlint Rule")
        _register(rule, where, rules, owners)
    for folder in rules_dirs:
        for path in sorted(Path(folder).glob("*.py")):
            if not path.name.startswith("_"):
                for rule in _rules_in_file(path):
                    _register(rule, f"rules-dirs {path}", rules, owners)
    return tuple(rules[code] for code in sorted(rules))


@functools.lru_cache(maxsize=None)
def available_source_rules(rules_dirs: tuple[str, ...] = ()) -> tuple[type[SourceRule], ...]:
    """The source rules among ``available_rules``, loaded without importing the others (graph
    rules import torch): a rule's module is read with ``ast`` first, as discover reads model
    files, and imported only when the registered class derives from ``SourceRule`` there."""
    rules: dict[str, type[Rule]] = {}
    owners: dict[str, str] = {}
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=_own_first):
        if not _derives_from_source_rule(_module_tree(entry.module), entry.attr):
            continue
        rule, where = _load(entry)
        if isinstance(rule, type) and issubclass(rule, SourceRule):
            _register(rule, where, rules, owners)
    for folder in rules_dirs:
        for path in sorted(Path(folder).glob("*.py")):
            tree = _parse(path)
            if path.name.startswith("_") or tree is None or not any(
                    _derives_from_source_rule(tree, node.name) for node in tree.body
                    if isinstance(node, ast.ClassDef)):
                continue
            for rule in _rules_in_file(path):
                if issubclass(rule, SourceRule):
                    _register(rule, f"rules-dirs {path}", rules, owners)
    return tuple(rules[code] for code in sorted(rules))


def _module_tree(module: str) -> ast.Module | None:
    """The source of an importable module, parsed, without running it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return _parse(Path(spec.origin))


def _parse(path: Path) -> ast.Module | None:
    """The file parsed, if it can define a source rule at all (it names SourceRule)."""
    try:
        text = read_source(path)
        return ast.parse(text, filename=str(path)) if SourceRule.__name__ in text else None
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None


def _derives_from_source_rule(tree: ast.Module | None, name: str) -> bool:
    """Whether the class ``name`` of the module derives, as far as its source tells (a base
    named ``SourceRule``, or another class of the module that does), from SourceRule."""
    if tree is None:
        return False
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    seen: set[str] = set()
    stack = [name]
    while stack:
        cls = classes.get(stack.pop())
        if cls is None or cls.name in seen:
            continue
        seen.add(cls.name)
        for base in cls.bases:
            dotted = ast.unparse(base)
            if dotted.rpartition(".")[2] == SourceRule.__name__:
                return True
            stack.append(dotted)
    return False


def _own_first(entry) -> tuple[bool, str, str]:
    """netlint's own rules (the package netlint.rules) first; reading a distribution's name
    parses its metadata, which a pre-commit run cannot afford for every plug-in."""
    return not entry.value.startswith(OWN_RULES), entry.value, entry.name


def _load(entry) -> tuple[object, _Plugin]:
    """The object an entry point names, and who registered it; a load error names the plug-in."""
    where = _Plugin(entry)
    try:
        return entry.load(), where
    except Exception as exc:
        raise RuleLoadError(f"{where}: cannot load rule {entry.name} ({type(exc).__name__}: {exc})") from exc


class _Plugin:
    """Names the distribution an entry point comes from, in error messages only."""

    def __init__(self, entry) -> None:
        self.entry = entry

    def __str__(self) -> str:
        return f"plug-in {self.entry.distribution}"


def _register(rule: type[Rule], where: object, rules: dict[str, type[Rule]], owners: dict[str, object]) -> None:
    """``where`` (a string, or a _Plugin named only when an error is raised) says who brought
    the rule."""
    code = getattr(rule, "code", None)
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise RuleLoadError(f"{where}: rule code {code!r} of {rule.__name__} does not match "
                            f"^[A-Z]{{1,3}}[0-9]{{3}}$")
    if rule.severity not in SEVERITIES:
        raise RuleLoadError(f"{where}: rule {code} has unknown severity {rule.severity!r}")
    if code in rules and rules[code] is not rule:
        owner = str(owners[code]).removeprefix("plug-in ")
        raise RuleLoadError(f"{where}: rule code {code} is already taken by {owner} "
                            f"({rules[code].__module__}.{rules[code].__name__})")
    rules[code] = rule
    owners[code] = where


def _rules_in_file(path: Path) -> list[type[Rule]]:
    """The Rule subclasses a file of a project's rules folder defines."""
    name = f"netlint_project_rules.{path.stem}"
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    except Exception as exc:
        raise RuleLoadError(f"rules-dirs {path}: cannot load ({type(exc).__name__}: {exc})") from exc
    return [value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == name
            and hasattr(value, "code")]


def is_selected(code: str, select: Sequence[str], ignore: Sequence[str], default: bool,
                extend_select: Sequence[str] = ()) -> bool:
    """ruff's resolution: the longest matching prefix decides; on a tie, ignore wins.
    With no ``select`` given, a rule on by default counts as selected by ``ALL``;
    ``extend_select`` adds to either."""
    chosen = [*select, *extend_select] + (["ALL"] if default and not select else [])
    best_select = max((_specificity(p) for p in chosen if p == "ALL" or code.startswith(p)), default=-1)
    best_ignore = max((_specificity(p) for p in ignore if p == "ALL" or code.startswith(p)), default=-1)
    return best_select >= 0 and best_select > best_ignore


def _specificity(prefix: str) -> int:
    return 0 if prefix == "ALL" else len(prefix)


@dataclass(frozen=True)
class RuleSelection:
    """Which rules run: picklable, so that worker processes choose the same ones."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    rules_dirs: tuple[str, ...] = ()

    def rule_classes(self) -> list[type[Rule]]:
        return [rule for rule in available_rules(self.rules_dirs)
                if is_selected(rule.code, self.select, self.ignore, rule.enabled_by_default,
                               self.extend_select)]

    def source_rule_classes(self) -> list[type[SourceRule]]:
        """The selected source rules, loaded without torch."""
        return [rule for rule in available_source_rules(self.rules_dirs)
                if is_selected(rule.code, self.select, self.ignore, rule.enabled_by_default,
                               self.extend_select)]


def selected_rules(selection: RuleSelection = RuleSelection()) -> list[Rule]:
    return [rule() for rule in selection.rule_classes()]


def run_rules(graph: ModelGraph, rules: Sequence[Rule], provides: set[str]) -> tuple[list[Finding], list[str]]:
    """Findings of the rules the capture tier can serve (``provides``: "modules", "shapes",
    "dataflow"), and a note for each rule skipped because the tier is too weak."""
    findings: list[Finding] = []
    skipped: list[str] = []
    for rule in rules:
        missing = set(rule.needs) - provides
        if missing:
            skipped.append(f"{rule.code} skipped: it needs {', '.join(sorted(missing))}, which the "
                           f"{graph.capture} capture does not give")
            continue
        findings.extend(rule.check(graph))
    findings.sort(key=lambda f: (f.path or "", f.line or 0, f.column or 0, f.code, f.layer))
    return findings, skipped


def run_source_rules(path: str, text: str, rules: Sequence[SourceRule], config) -> list[Finding]:
    """Findings of the source rules in one file (``path`` as shown, its ``text``): parsed
    once, and only when the text mentions what one of the rules looks for."""
    relevant = [rule for rule in rules if not rule.mentions or any(m in text for m in rule.mentions)]
    if not relevant:
        return []
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError):
        return []  # discover reports the files it cannot parse
    lines = text.splitlines()

    def in_characters(finding: Finding) -> Finding:  # ast counts columns in UTF-8 bytes
        if not finding.line or not finding.column or finding.line > len(lines):
            return finding
        before = lines[finding.line - 1].encode("utf-8")[:finding.column - 1].decode("utf-8", "replace")
        return replace(finding, column=len(before) + 1)

    findings = [in_characters(finding) for rule in relevant for finding in rule.check_source(path, tree, config)]
    return sorted(findings, key=lambda f: (f.line or 0, f.column or 0, f.code))
