"""The rule API: what a rule declares, and the Finding it reports."""

from __future__ import annotations

import ast
import inspect
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar


if TYPE_CHECKING:  # models only: a commit without one never imports the graph module
    from netlint.fix.changes import Applicability, Autofix
    from netlint.graph import Layer, ModelGraph, Site

SEVERITIES = ("note", "warning", "error")  # in increasing order
CODE_PATTERN = re.compile(r"^[A-Z]{1,3}[0-9]{3}$")


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: str
    target: str
    layer: str
    path: str | None
    line: int | None
    column: int | None
    message: str
    fix: str
    params_before: int | None = None
    params_after: int | None = None
    autofix: Autofix | None = None  # what ``--fix`` can do about it (netlint.fix)
    layers: tuple[str, ...] = field(default=(), compare=False)  # every layer it is about ((layer,) for one)

    @property
    def params_delta(self) -> int | None:
        if self.params_before is None or self.params_after is None:
            return None
        return self.params_after - self.params_before

    @property
    def fix_applicability(self) -> Applicability | None:
        """Safe or unsafe when the finding has an automatic fix ready to apply."""
        return self.autofix.applicability if self.autofix is not None and self.autofix.available else None


class Rule:
    """Base class of every rule. A subclass sets the metadata, documents itself in its
    docstring (What it does / Why is this bad? / Example / Use instead / References) and
    yields findings from ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]  # kebab-case
    severity: ClassVar[str] = "warning"
    enabled_by_default: ClassVar[bool] = True
    # What the rule reads: "modules" (the module tree), "shapes" (tensor shapes and the task,
    # which is decided from them), "dataflow" (which layer feeds which). A rule is skipped,
    # with a note, on a model whose capture tier does not give all of them.
    needs: ClassVar[frozenset[str]] = frozenset({"modules", "shapes", "dataflow"})

    def check(self, graph: ModelGraph) -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def summary(cls) -> str:
        """The first line of the rule's documentation."""
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""

    def finding(self, graph: ModelGraph, layer: Layer | str, message: str, fix: str, *,
                site: Site | None = None, severity: str | None = None,
                params_before: int | None = None, params_after: int | None = None,
                autofix: Autofix | None = None, covers: Sequence[Layer | str] = ()) -> Finding:
        """``covers``: every layer (or module) the finding is about, when more than ``layer``
        (the layers one line made, reported once at the first)."""
        name = layer if isinstance(layer, str) else layer.name
        site = site if site is not None or isinstance(layer, str) else layer.site
        return Finding(
            code=self.code, name=self.name, severity=severity or self.severity,
            target=graph.target, layer=name,
            path=site.path if site else None, line=site.line if site else None,
            column=site.column if site else None,
            message=message, fix=fix, params_before=params_before, params_after=params_after,
            autofix=autofix, layers=tuple(x if isinstance(x, str) else x.name for x in covers) or (name,),
        )


class SourceRule(Rule):
    """Base class of a rule that reads a Python file's source, not a model: a training
    script's recipe, say. The engine runs ``check_source`` over every Python file discovery
    reads (files that define no model included) without importing torch; its ``check``
    finds nothing in a model. ``mentions`` is a cheap pre-filter: a file whose text contains
    none of these strings is not parsed for the rule.

    A source rule's module must not import torch: the engine finds source rules by reading
    the rule modules with ``ast`` (a class deriving from ``SourceRule``) and imports only them.
    """

    needs: ClassVar[frozenset[str]] = frozenset()
    mentions: ClassVar[tuple[str, ...]] = ()

    def check(self, graph: ModelGraph) -> Iterable[Finding]:
        return ()

    def check_source(self, path: str, tree: ast.Module, config: Any) -> Iterable[Finding]:
        """Findings in the file at ``path`` (as shown to users), parsed as ``tree``; ``config``
        is the project's Config (``[tool.netlint]``)."""
        raise NotImplementedError

    def source_finding(self, path: str, node: ast.AST, message: str, fix: str, *,
                       severity: str | None = None, subject: str = "", autofix: Autofix | None = None) -> Finding:
        """A finding at ``node`` (the engine turns ast's byte column into characters);
        ``subject`` names what it is about, as ``layer`` does for a model (the baseline knows
        a finding by code, file and subject)."""
        return Finding(code=self.code, name=self.name, severity=severity or self.severity, target=path,
                       layer=subject, path=path, line=node.lineno, column=node.col_offset + 1,
                       message=message, fix=fix, autofix=autofix)


@dataclass(frozen=True)
class RuleInfo:
    """What reports say about a rule: its metadata and documentation."""

    code: str
    name: str
    severity: str  # the severity it reports with (the config may change the rule's default)
    summary: str  # the docstring's first line
    description: str  # its "What it does" section, on one line (the summary when it has none)
    doc: str  # the whole docstring
    source: str = ""  # the file that defines it (its documentation is its docstring)

    @classmethod
    def of(cls, rule: type[Rule], severity: str | None = None) -> RuleInfo:
        doc = inspect.cleandoc(rule.__doc__ or "")
        what = re.search(r"^## What it does\n(.*?)(?=^## |\Z)", doc, re.MULTILINE | re.DOTALL)
        return cls(rule.code, rule.name, severity or rule.severity, rule.summary(),
                   " ".join(what[1].split()) if what else rule.summary(), doc,
                   getattr(sys.modules.get(rule.__module__), "__file__", None) or "")
