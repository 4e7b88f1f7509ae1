"""Turn the changes a rule declares into text edits of the call that created the layer, with
libcst: the rest of the statement (comments, line breaks, quotes, trailing commas) stays as
written. A change that would have to rewrite a value other code may also use (a variable,
a parameter, a factory) is not made, and the finding says why."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from netlint.fix.changes import (Autofix, Call, Change, CopyArguments, DropArgument, Edit, RemoveCall,
                                 RenameCallee, SetArgument)
from netlint.rule import Finding
from netlint.source import read_source

# receivers of functions applied to a tensor given as their first argument (F.relu(x)),
# as opposed to tensor methods (x.relu())
_FUNCTION_MODULES = ("F", "torch", "functional", "nn.functional", "torch.nn.functional")
_ATOMIC = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float, cst.SimpleString)


class NoFix(Exception):
    """Why a change cannot be made; the message completes "no automatic fix: …"."""


def resolve(findings: Sequence[Finding]) -> list[Finding]:
    """Each finding whose rule declared a fix, with its edits or the reason it has none."""
    sources: dict[str, _Source | None] = {}
    resolved = []
    for finding in findings:
        fix = finding.autofix
        if fix is not None and not fix.resolved:
            finding = replace(finding, autofix=_resolved(fix, sources))
        resolved.append(finding)
    return resolved


def _resolved(fix: Autofix, sources: dict[str, _Source | None]) -> Autofix:
    paths = {change.call.site.path for change in fix.changes}
    if len(paths) != 1:
        return replace(fix, unavailable="no automatic fix: the calls to change are in different files")
    path, = paths
    if path not in sources:
        sources[path] = _Source.read(path)
    source = sources[path]
    if source is None:
        return replace(fix, unavailable=f"no automatic fix: {path} does not parse")
    try:
        edits = source.edits(fix.changes)
        if not edits:
            raise NoFix("the call already reads as the fix would write it")
        return replace(fix, edits=edits)
    except NoFix as exc:
        return replace(fix, unavailable=f"no automatic fix: {exc}")
    except Exception as exc:  # a bug in netlint or libcst: no fix, but the finding is still reported
        return replace(fix, unavailable=f"no automatic fix: the edit failed ({type(exc).__name__}: {exc})")


@dataclass
class _Located:
    node: cst.Call
    line: int
    column: int  # 1-based
    name: str  # the last name of the function called


class _Source:
    def __init__(self, path: str, wrapper: MetadataWrapper) -> None:
        self.path = path
        self.module = wrapper.module
        self.positions = wrapper.resolve(PositionProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.calls = [_Located(node, pos.start.line, pos.start.column + 1, _last_name(node.func))
                      for node, pos in self.positions.items() if isinstance(node, cst.Call)]

    @classmethod
    def read(cls, path: str) -> _Source | None:
        try:
            return cls(path, MetadataWrapper(cst.parse_module(read_source(Path(path)))))
        except (OSError, UnicodeDecodeError, cst.ParserSyntaxError):
            return None

    def edits(self, changes: Sequence[Change]) -> tuple[Edit, ...]:
        new: dict[cst.Call, cst.BaseExpression] = {}
        for change in changes:
            node = self.locate(change.call)
            current = new.get(node, node)
            if not isinstance(current, cst.Call):
                raise NoFix("two changes of one call conflict")
            new[node] = self.apply(change, node, current)
        edits = [self._edit(node, replacement) for node, replacement in new.items()
                 if not replacement.deep_equals(node)]
        return tuple(sorted(edits, key=lambda e: (e.line, e.column)))

    def _edit(self, node: cst.Call, replacement: cst.BaseExpression) -> Edit:
        """The smallest edit that makes the replacement: the whole file is generated again (a
        node's continuation lines are indented by its block), then compared."""
        before, after = self.module.code, self.module.deep_replace(node, replacement).code
        start = 0
        while start < min(len(before), len(after)) and before[start] == after[start]:
            start += 1
        end = 0
        while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
            end += 1
        while start and _word(before[start - 1]):  # whole names and numbers: True → False, not Tru → Fals
            start -= 1
        while end and _word(before[-end]):
            end -= 1
        return Edit(self.path, *_line_column(before, start), *_line_column(before, len(before) - end),
                    after[start:len(after) - end])

    def locate(self, call: Call) -> cst.Call:
        site = call.site
        exact = [c for c in self.calls if (c.line, c.column) == (site.line, site.column)]
        matching = [c for c in exact if _calls(c, call)]
        if not matching:
            matching = [c for c in self.calls if site.line <= c.line <= site.end_line and _calls(c, call)]
        if len(matching) == 1:
            return matching[0].node
        if matching:
            raise NoFix(f"line {site.line} calls {call.callee} more than once")
        if exact:
            raise NoFix(f"the layer's class comes from `{self.module.code_for_node(exact[0].node.func)}`")
        raise NoFix(f"line {site.line} does not call {call.callee} itself (the layer is made by a "
                    "library, a copy or a factory)")

    def apply(self, change: Change, original: cst.Call, node: cst.Call) -> cst.BaseExpression:
        if isinstance(change, SetArgument):
            return _set_argument(self.module, node, change.call, change.name,
                                 cst.parse_expression(change.value), change.what or None)
        if isinstance(change, DropArgument):
            return _drop_argument(node, change.call, change.name)
        if isinstance(change, RenameCallee):
            return node.with_changes(func=_renamed(self.module, node.func, change.name))
        if isinstance(change, RemoveCall):
            return _removed(self.module, node, change.call)
        if isinstance(change, CopyArguments):
            source = self.locate(change.source)
            same_scope = self._function_of(source) is self._function_of(original)
            for name, source_name in change.names:
                found = _find(source, change.source, source_name)
                if found is None:
                    node = _drop_argument(node, change.call, name)
                    continue
                value = found[1].value
                if not same_scope and not _literal(value):
                    raise NoFix(f"`{self.module.code_for_node(value)}` is a name in another function")
                node = _set_argument(self.module, node, change.call, name, value, None)
            return node
        raise TypeError(f"unknown change {change!r}")

    def _function_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, (cst.FunctionDef, cst.Lambda)):
                return node
        return None


def _word(character: str) -> bool:
    return character.isalnum() or character == "_"


def _last_name(func: cst.BaseExpression) -> str:
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def _calls(located: _Located, call: Call) -> bool:
    """Whether the call found in the source is the one that created the layer: a module's class
    by its name; a function by its name in any spelling (``F.relu``, ``torch.relu_``, ``x.relu()``)."""
    if call.module:
        return located.name == call.callee
    return _normal(located.name) == _normal(call.callee)


def _normal(name: str) -> str:
    return name.strip("_").replace("_", "").lower()


def _literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)):
        return True
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    if isinstance(node, cst.UnaryOperation):
        return _literal(node.expression)
    if isinstance(node, (cst.Tuple, cst.List)):
        return all(_literal(e.value) for e in node.elements if isinstance(e, cst.Element))
    return False


def _positional(node: cst.Call) -> list[cst.Arg]:
    return [a for a in node.args if a.keyword is None and not a.star]


def _find(node: cst.Call, call: Call, name: str) -> tuple[int, cst.Arg] | None:
    """The argument given for parameter ``name``: (its index in ``node.args``, the arg)."""
    for i, arg in enumerate(node.args):
        if arg.keyword is not None and arg.keyword.value == name:
            return i, arg
    if name in call.parameters:
        wanted = call.parameters.index(name)
        for i, arg in enumerate(node.args):
            if arg.star == "*":
                raise NoFix("the call passes *args")
            if arg.keyword is None and not arg.star:
                if wanted == 0:
                    return i, arg
                wanted -= 1
    if any(arg.star == "**" for arg in node.args):
        raise NoFix("the call passes **kwargs")
    return None


def _set_argument(module: cst.Module, node: cst.Call, call: Call, name: str, value: cst.BaseExpression,
                  what: str | None) -> cst.Call:
    found = _find(node, call, name)
    if found is None:
        keyword = cst.ensure_type(cst.parse_expression(f"f({name}=0)"), cst.Call).args[0]
        return _append(node, keyword.with_changes(value=value))
    i, arg = found
    if what is not None and not _literal(arg.value):
        raise NoFix(f"{what} comes from `{module.code_for_node(arg.value)}`")
    args = list(node.args)
    args[i] = arg.with_changes(value=value)
    return node.with_changes(args=args)


def _append(node: cst.Call, arg: cst.Arg) -> cst.Call:
    """Add an argument at the end, in the call's own style: the last argument's comma (and
    the line break after it, in a call written one argument per line) moves to the new one."""
    args = list(node.args)
    if not args:
        return node.with_changes(args=[arg])
    last = args[-1]
    if len(args) > 1 and isinstance(args[-2].comma, cst.Comma):
        between = args[-2].comma  # the separator the call already uses
    elif "\n" in _code(node.whitespace_before_args):  # one argument on its own line
        between = cst.Comma(whitespace_after=node.whitespace_before_args)
    else:
        between = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    args[-1] = last.with_changes(comma=between)
    args.append(arg.with_changes(comma=last.comma))
    return node.with_changes(args=args)


def _drop_argument(node: cst.Call, call: Call, name: str) -> cst.Call:
    found = _find(node, call, name)
    if found is None:
        return node
    i, arg = found
    args = list(node.args)
    if arg.keyword is None and any(a.keyword is None and not a.star for a in args[i + 1:]):
        raise NoFix(f"{name} is passed by position before other positional arguments")
    del args[i]
    if i == len(args) and args:  # the last one went: its comma (or none) goes to the new last
        args[-1] = args[-1].with_changes(comma=arg.comma)
    return node.with_changes(args=args)


def _renamed(module: cst.Module, func: cst.BaseExpression, name: str) -> cst.BaseExpression:
    if not isinstance(func, cst.Attribute):
        raise NoFix(f"`{module.code_for_node(func)}` is called by its bare name, and {name} may not be imported")
    return func.with_changes(attr=cst.Name(name))


def _removed(module: cst.Module, node: cst.Call, call: Call) -> cst.BaseExpression:
    if call.module:
        return node.with_changes(func=_renamed(module, node.func, "Identity"), args=[])
    func = node.func
    receiver = module.code_for_node(func.value) if isinstance(func, cst.Attribute) else ""
    if isinstance(func, cst.Attribute) and receiver not in _FUNCTION_MODULES and not receiver.endswith(".functional"):
        value = func.value  # a tensor method: x.relu()
    else:
        positional = _positional(node)
        if not positional:
            raise NoFix(f"`{module.code_for_node(node)}` is given its input by keyword")
        value = positional[0].value
    if isinstance(value, _ATOMIC) or value.lpar:
        return value.with_changes(lpar=node.lpar, rpar=node.rpar) if node.lpar else value
    return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


_LINE_END = re.compile(r"\r\n|\r|\n")


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset (lines end as Python's do)."""
    line_start, line = 0, 1
    for match in _LINE_END.finditer(text, 0, offset):
        line_start, line = match.end(), line + 1
    return line, offset - line_start + 1


def _offset(text: str, line: int, column: int) -> int:
    start = 0
    for match in itertools.islice(_LINE_END.finditer(text), line - 1):
        start = match.end()
    return start + column - 1


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """The text with the edits made (they must not overlap), last first."""
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        start, end = _offset(text, edit.line, edit.column), _offset(text, edit.end_line, edit.end_column)
        text = text[:start] + edit.text + text[end:]
    return text
