"""A target written as a call, ``UNet(n_channels=3, n_classes=2)``: its arguments as text,
checked when the target is read and evaluated in the model's module when it is built."""

from __future__ import annotations

import ast
from typing import Any


class ArgumentsError(ValueError):
    pass


def split_call(name: str) -> tuple[str, str | None]:
    """``"UNet(3, n_classes=2)"`` → ``("UNet", "3, n_classes=2")``; a bare name has no arguments.
    The arguments are normalized (``UNet(3,2)`` and ``UNet(3, 2)`` are the same target)."""
    name = name.strip()
    if "(" not in name:
        return name, None
    callee = name[:name.index("(")].strip()
    try:
        call = ast.parse(name, mode="eval").body
    except SyntaxError as exc:
        raise ArgumentsError(f"{name!r} is not a call: {exc.msg}") from None
    if not isinstance(call, ast.Call) or ast.unparse(call.func) != callee:
        raise ArgumentsError(f"{name!r} is not a call like Name(3, width=64)")
    if any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        raise ArgumentsError(f"{name!r}: *args and **kwargs cannot be given")
    for node in [*call.args, *(k.value for k in call.keywords)]:
        _check_value(node)
    return callee, arguments_text(call)


def arguments_text(call: ast.Call) -> str:
    return ast.unparse(call)[len(ast.unparse(call.func)) + 1:-1]


def _check_value(node: ast.expr) -> None:
    """Literals (numbers, strings, tuples, lists, dicts, None/True/False) and dotted names."""
    if isinstance(node, (ast.Name, ast.Attribute)):
        if dotted_name(node) is None:
            raise ArgumentsError(f"{ast.unparse(node)!r} is neither a literal nor a dotted name")
        return
    try:
        ast.literal_eval(_names_as_none(node))
    except ValueError:
        raise ArgumentsError(f"{ast.unparse(node)!r} is neither a literal nor a dotted name") from None


def _names_as_none(node: ast.expr) -> ast.expr:
    """The value with its dotted names replaced by None, for ``literal_eval``."""
    class Replace(ast.NodeTransformer):
        def visit_Attribute(self, node):
            return ast.Constant(None) if dotted_name(node) else node

        def visit_Name(self, node):
            return ast.Constant(None)

    return Replace().visit(ast.parse(ast.unparse(node), mode="eval").body)


def dotted_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted_name(node.value)
        return inner and f"{inner}.{node.attr}"
    return None


LEFT_OUT = object()  # an argument the code gives as something other than a constant


def evaluate(arguments: str, namespace: dict[str, Any],
             left_out: tuple[int | str, ...] = ()) -> tuple[tuple, dict[str, Any]]:
    """The positional and keyword values of ``arguments``; a dotted name is looked up in
    ``namespace`` (the model's module), as the code that wrote it would. The arguments
    ``left_out`` (positions, keywords) are not evaluated: a position holds ``LEFT_OUT``, a
    keyword is dropped."""
    call = ast.parse(f"f({arguments})", mode="eval").body
    if any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        raise ArgumentsError(f"{arguments!r}: *args and **kwargs are not known")
    return (tuple(LEFT_OUT if i in left_out else _value(a, namespace) for i, a in enumerate(call.args)),
            {k.arg: _value(k.value, namespace) for k in call.keywords if k.arg not in left_out})


def _value(node: ast.expr, namespace: dict[str, Any]) -> Any:
    dotted = dotted_name(node)
    if dotted is None:
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            values = [_value(e, namespace) for e in node.elts]
            return {ast.Tuple: tuple, ast.List: list, ast.Set: set}[type(node)](values)
        if isinstance(node, ast.Dict) and None not in node.keys:
            return {_value(k, namespace): _value(v, namespace) for k, v in zip(node.keys, node.values)}
        try:
            return ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):  # a call or an expression
            raise ArgumentsError(f"{ast.unparse(node)!r} is neither a constant nor a dotted name") from None
    if dotted in ("None", "True", "False"):
        return ast.literal_eval(node)
    head, *rest = dotted.split(".")
    if head not in namespace:
        raise ArgumentsError(f"{dotted!r} is not defined in the model's module")
    value = namespace[head]
    for attribute in rest:
        try:
            value = getattr(value, attribute)
        except AttributeError:
            raise ArgumentsError(f"{dotted!r} is not defined in the model's module") from None
    return value
