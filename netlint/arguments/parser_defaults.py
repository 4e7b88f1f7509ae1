"""What the project's argparse parsers and scripts give, read with ``ast`` without running
them: the attribute an ``add_argument`` sets, the defaults, the value of an expression of
constants and those defaults (``args.img_size // 16``), and the strings its code gives as
defaults (how its scripts choose among named things)."""

from __future__ import annotations

import argparse
import ast
import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from netlint.arguments.project_text import file_tree, project_python_files


def option_dest(call: ast.Call) -> str:
    """The attribute an ``add_argument`` call sets: its ``dest=``, else its long option."""
    for keyword in call.keywords:
        if keyword.arg == "dest" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    names = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    long = next((n for n in names if n.startswith("--")), None) or next(iter(names), "")
    return long.lstrip("-").replace("-", "_")


UNKNOWN = object()
_STRING_METHODS = {"find", "startswith", "endswith", "lower", "upper", "split", "count"}


def argparse_defaults(tree: ast.Module) -> dict[str, Any]:
    """``add_argument('--n_skip', default=3)``: {'n_skip': 3}."""
    found: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
            dest = option_dest(node)
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            if dest and default is not None:
                value = static_value(default, found)
                if value is not UNKNOWN:
                    found[dest] = value
    return found


def static_value(node: ast.expr, defaults: dict[str, Any]) -> Any:
    """The value of an expression of constants and the scripts' defaults (``args.img_size / 16``)."""
    try:
        return _evaluate(node, defaults)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, AttributeError, MemoryError, RecursionError):
        return UNKNOWN


def _evaluate(node: ast.expr, defaults: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return defaults.get(node.attr, UNKNOWN)
    if isinstance(node, (ast.Tuple, ast.List)):
        items = [_evaluate(e, defaults) for e in node.elts]
        return UNKNOWN if UNKNOWN in items else (tuple if isinstance(node, ast.Tuple) else list)(items)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        operand = _evaluate(node.operand, defaults)
        return UNKNOWN if operand is UNKNOWN else (-operand if isinstance(node.op, ast.USub) else not operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _evaluate(node.left, defaults), _evaluate(node.right, defaults)
        return UNKNOWN if UNKNOWN in (left, right) else _OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARISONS:
        left, right = _evaluate(node.left, defaults), _evaluate(node.comparators[0], defaults)
        return UNKNOWN if UNKNOWN in (left, right) else _COMPARISONS[type(node.ops[0])](left, right)
    if isinstance(node, ast.Call) and not node.keywords:
        arguments = [_evaluate(a, defaults) for a in node.args]
        if UNKNOWN in arguments:
            return UNKNOWN
        if isinstance(node.func, ast.Name) and node.func.id in ("int", "float", "str", "tuple"):
            return {"int": int, "float": float, "str": str, "tuple": tuple}[node.func.id](*arguments)
        if isinstance(node.func, ast.Attribute) and node.func.attr in _STRING_METHODS:
            owner = _evaluate(node.func.value, defaults)
            return getattr(owner, node.func.attr)(*arguments) if isinstance(owner, str) else UNKNOWN
    return UNKNOWN


_OPERATORS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
              ast.Div: lambda a, b: a / b, ast.FloorDiv: lambda a, b: a // b}
_COMPARISONS = {ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.In: lambda a, b: a in b,
                ast.NotIn: lambda a, b: a not in b}


@functools.lru_cache(maxsize=8)
def script_defaults(root: Path) -> tuple[str, ...]:
    """The strings the project's code gives as defaults (``add_argument(..., default='ViT-B_16')``,
    ``def main(model='small')``), in file order, test files last: how its scripts choose among
    named things."""
    found: list[str] = []
    for file in sorted(project_python_files(root), key=lambda f: f.name.startswith("test")):  # (stable)
        tree = file_tree(file)
        if tree is None:
            continue
        for node in ast.walk(tree):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call):
                values = [k.value for k in node.keywords if k.arg == "default"]
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                values = [d for d in [*node.args.defaults, *node.args.kw_defaults] if d is not None]
            found += [v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)
                      and v.value not in found]
    return tuple(found)


_PARSING = ("parse_args", "parse_known_args")


def parses_options(statement: ast.stmt) -> bool:
    """``opt = parser.parse_args()`` (or ``parse_known_args``): a script's options parsed."""
    return isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call) and \
        isinstance(statement.value.func, ast.Attribute) and statement.value.func.attr in _PARSING


@contextlib.contextmanager
def defaults_for_required() -> Iterator[list[str]]:
    """argparse's parsing gives every option's default, those the command line must give
    (``required=True``) None, instead of exiting: a file's top level that parses its options
    then computes globals from them (``nz = int(opt.nz)``) defines them. Yields the
    required options so given None."""
    given: list[str] = []
    originals = {name: getattr(argparse.ArgumentParser, name) for name in _PARSING}

    def parse_known_args(self, args=None, namespace=None):
        try:
            return originals["parse_known_args"](self, args, namespace)
        except SystemExit:
            required = [a for a in self._actions if a.required]
            given.extend(a.option_strings[0] if a.option_strings else a.dest for a in required)
            for action in required:
                action.required = False
            try:
                return originals["parse_known_args"](self, args, namespace)
            finally:
                for action in required:
                    action.required = True

    def parse_args(self, args=None, namespace=None):
        return parse_known_args(self, args, namespace)[0]

    argparse.ArgumentParser.parse_known_args, argparse.ArgumentParser.parse_args = parse_known_args, parse_args
    try:
        yield given
    finally:
        for name, original in originals.items():
            setattr(argparse.ArgumentParser, name, original)
