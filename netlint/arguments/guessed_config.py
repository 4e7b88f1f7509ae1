"""A configuration of guesses, for a constructor that takes a config dict or a config object
(``config['n_layers']``, ``opt['network_G']['nf']``, ``cfg.MODEL.BACKBONE.DEPTH``) that no
file of the project gives: each key or attribute the model reads is the value a parameter of
that name would be guessed (``nf``: a width, 64; ``NUM_CLASSES``: 10), a key no convention
covers a section of its own (``network_G``, ``MODEL``) whose keys are guessed in turn. A
section is empty, so a flag the model tests (``if cfg.USE_FPN:``) is off, and ``key in
config`` is False: the model takes its own defaults where it has them. What was read, and
the value given, is recorded (``reads``)."""

from __future__ import annotations

import ast
import inspect
from typing import Any

from netlint.arguments.guessed import meaning
from netlint.source import parse_function

GUESSED_CONFIG = "a configuration guessed by the names of the keys the model reads"


class GuessedConfig(dict):
    """Reads as a dict (``config['nf']``, ``config.get('nf', 64)``) and as an object (``cfg.nf``)."""

    def __init__(self, path: str = "", reads: list[tuple[str, Any]] | None = None):
        super().__init__()
        self._path = path
        self._reads = [] if reads is None else reads

    @property
    def reads(self) -> list[tuple[str, Any]]:
        """(dotted key, the value given), in the order the model read them."""
        return self._reads

    def __getitem__(self, key: Any) -> Any:
        return self._value(str(key))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._value(name)

    def get(self, key: Any, default: Any = None) -> Any:
        if default is not None:
            self._reads.append((self._key(str(key)), default))
            return default
        return self._value(str(key))

    def __contains__(self, key: object) -> bool:
        return False

    def __repr__(self) -> str:
        return f"<{self._path or 'config'}: guessed>"

    def __deepcopy__(self, memo: dict) -> GuessedConfig:
        return self

    def __copy__(self) -> GuessedConfig:
        return self

    def _key(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key

    def _value(self, key: str) -> Any:
        found = meaning(key)
        value = found[1] if found is not None else GuessedConfig(self._key(key), self._reads)
        if found is not None:
            self._reads.append((self._key(key), value))
        return value


def read_by_keys(factory: Any, name: str) -> bool:
    """Whether the constructor reads the parameter by key or attribute (``config['nf']``,
    ``cfg.MODEL``) and never iterates it or takes its length (``for width in cfg``: a list)."""
    init = next((vars(k)["__init__"] for k in factory.__mro__ if "__init__" in vars(k)), None) \
        if inspect.isclass(factory) else factory
    try:
        tree = parse_function(init)
    except (OSError, TypeError, SyntaxError, ValueError):
        return False
    keyed = False
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)) and _is(node.iter, name):
            return False
        if isinstance(node, ast.Call) and any(_is(a, name) for a in node.args) and \
                isinstance(node.func, ast.Name) and node.func.id in ("len", "list", "tuple", "enumerate", "zip"):
            return False
        if isinstance(node, ast.Subscript) and _is(node.value, name):
            keyed = keyed or isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)
            if not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
                return False
        elif isinstance(node, ast.Attribute) and _is(node.value, name) and node.attr not in ("items", "keys",
                                                                                              "values"):
            keyed = True
    return keyed


def _is(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
