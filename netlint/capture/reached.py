"""Which of a model's submodules its forward can reach, read from the code when the forward
did not run (the module-tree tier): ``self.X`` in ``forward`` and in the methods it calls.

A network the forward never names (a perceptual loss's VGG used by a ``loss`` method, a
discriminator kept beside a generator) is then not taken for a part of the model.
"""

from __future__ import annotations

import ast
import inspect

from torch import nn

from netlint.source import parse_function

_WHOLE_TREE = {"modules", "children", "named_modules", "named_children", "apply", "__dict__", "_modules"}


class _Unknown(Exception):
    """The code reaches attributes in a way not read here (``getattr(self, name)``, ``self``
    passed on): every submodule may be reached."""


def reached_attributes(model: nn.Module) -> set[str] | None:
    """The names of the model's own attributes (``encoder``, ``decoder``) its forward reaches,
    directly or through the methods and properties it calls; None when the code cannot say
    (no source, attributes named at run time, ``self`` handed to other code)."""
    reached: set[str] = set()
    if _from_torch(inspect.getattr_static(type(model), "forward", None)):
        return None
    try:
        _read(type(model), "forward", reached, set())
    except _Unknown:
        return None
    return reached


def _read(cls: type, method: str, reached: set[str], seen: set[str]) -> None:
    if method in seen:
        return
    seen.add(method)
    function = inspect.getattr_static(cls, method, None)
    if isinstance(function, property):
        function = function.fget
    if isinstance(function, (staticmethod, classmethod)):
        function = function.__func__
    if _from_torch(function):
        return  # nn.Module's own methods (train, register_buffer) reach no submodule by name
    if not inspect.isfunction(function):
        raise _Unknown
    try:
        tree = parse_function(function)
    except (OSError, TypeError, SyntaxError, ValueError):
        raise _Unknown from None
    definition = tree.body[0]
    if not isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef)) or not definition.args.args:
        raise _Unknown
    me = definition.args.args[0].arg
    attributes = {id(node.value) for node in ast.walk(definition) if isinstance(node, ast.Attribute)}
    for node in ast.walk(definition):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == me:
            if node.attr in _WHOLE_TREE:
                raise _Unknown
            reached.add(node.attr)
            if callable(inspect.getattr_static(cls, node.attr, None)) or \
                    isinstance(inspect.getattr_static(cls, node.attr, None), property):
                _read(cls, node.attr, reached, seen)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr"):
            name = node.args[1] if len(node.args) > 1 else None
            if node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == me:
                if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                    raise _Unknown
                reached.add(name.value)
        elif isinstance(node, ast.Name) and (node.id == "super" or node.id == me and id(node) not in attributes):
            raise _Unknown  # self passed on, iterated or stored, a base's method: anything may be reached


def _from_torch(function) -> bool:
    return getattr(function, "__module__", None) is not None and function.__module__.startswith("torch.")
