"""A constructor parameter the project's scripts give an option of the same name: the option's
default (``parser.add_argument('--cardinality', default=8)`` for ``cardinality``,
``--base-width`` for ``baseWidth``, ``--growthRate`` for ``growth_rate``), read with ``ast``.
Names are compared as snake_case words, whatever the convention each is written in. Only
the scripts that import the model's module or its package count (``import models.cifar as
models`` for ``models/cifar/resnext.py``), those of its module first, then the nearest."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import Any

from netlint.arguments.parser_defaults import argparse_defaults
from netlint.arguments.project_text import file_tree, project_python_files
from netlint.paths import display_path

_VALUES = (bool, int, float, str)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake(name: str) -> str:
    """A name in snake_case words, whatever its convention: ``baseWidth`` → ``base_width``,
    ``--widen-factor`` → ``widen_factor``, ``nChannels`` → ``n_channels``."""
    return _CAMEL.sub("_", name.strip("-").replace("-", "_")).lower()


def option_default(name: str, model_file: Path, root: Path) -> tuple[Any, str] | None:
    """The default of the option the project's scripts name like the parameter ``name``, and which script."""
    wanted = snake(name)
    for script, defaults in _ranked(model_file.resolve(), root.resolve()):
        if wanted in defaults:
            return defaults[wanted], script
    return None


@functools.lru_cache(maxsize=32)
def _ranked(model_file: Path, root: Path) -> tuple[tuple[str, dict[str, Any]], ...]:
    try:
        parts = model_file.relative_to(root).with_suffix("").parts
    except ValueError:
        parts = (model_file.stem,)
    found = []
    for file in project_python_files(root):
        tree = file_tree(file) if file != model_file else None
        rank = _import_rank(tree, parts) if tree is not None else None
        if rank is None:
            continue
        defaults = {snake(k): v for k, v in argparse_defaults(tree).items() if isinstance(v, _VALUES)}
        if defaults:
            found.append((rank, file, defaults))
    found.sort(key=lambda f: (f[0], len(f[1].parts), str(f[1])))
    return tuple((display_path(file), defaults) for _, file, defaults in found)


def _import_rank(tree: ast.Module, parts: tuple[str, ...]) -> int | None:
    """0 when the script imports the model's module (``models.cifar.resnext``, or its end
    ``cifar.resnext``), 1 its package (``import models.cifar as models``); None when neither."""
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    module, package = ".".join(parts), ".".join(parts[:-1])
    for rank, name in enumerate((module, package)):
        if name and any(name == i or name.endswith("." + i) and "." in i for i in imported):
            return rank
    return None
