"""What a constructor requires of a count it is given, read from its code: the assertions on
that parameter alone (``assert (depth - 4) % 6 == 0``) hold, and a count it derives from it by
division (``n = (depth - 4) // 6``, ``(depth - 2) / 9``) is a whole number of at least one.
A guessed value that fails these is not tried: WideResNet's depth is 16, not 4 (no blocks)."""

from __future__ import annotations

import ast
import functools
import inspect
from typing import Any

from netlint.source import parse_function

_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.Constant, ast.Name, ast.Load,
            ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def admits(factory: Any, name: str, value: Any) -> bool:
    """Whether ``value`` for the parameter ``name`` passes what the constructor requires of it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    for kind, expression in _requirements(_init_of(factory)).get(name, ()):
        try:
            result = eval(expression, {"__builtins__": {}}, {name: value})  # arithmetic of one name only
        except (ArithmeticError, TypeError, ValueError):
            return False
        if kind == "assert" and not result:
            return False
        if kind == "count" and not (isinstance(result, (int, float)) and result >= 1 and float(result).is_integer()):
            return False
    return True


def _init_of(factory: Any) -> Any:
    if inspect.isclass(factory):
        return next((vars(k)["__init__"] for k in factory.__mro__ if "__init__" in vars(k)), None)
    return factory


@functools.lru_cache(maxsize=256)
def _requirements(init: Any) -> dict[str, tuple[tuple[str, Any], ...]]:
    try:
        tree = parse_function(init)
    except (OSError, TypeError, SyntaxError, IndentationError, ValueError):
        return {}
    found: dict[str, list[tuple[str, Any]]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            _add(found, "assert", node.test)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.BinOp) and any(
                isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Div, ast.FloorDiv)) for n in ast.walk(node.value)):
            _add(found, "count", node.value)
    return {name: tuple(kinds) for name, kinds in found.items()}


def _add(found: dict[str, list[tuple[str, Any]]], kind: str, expression: ast.expr) -> None:
    nodes = list(ast.walk(expression))
    names = {n.id for n in nodes if isinstance(n, ast.Name)}
    if len(names) != 1 or not all(isinstance(n, _ALLOWED) and not isinstance(n, ast.Pow) for n in nodes):
        return
    if not any(isinstance(n, ast.Constant) for n in nodes):
        return
    code = compile(ast.Expression(expression), "<constraint>", "eval")
    found.setdefault(names.pop(), []).append((kind, code))
