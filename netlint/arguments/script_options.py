"""A constructor parameter the project's scripts give an option of the same name: the option's
default (``parser.add_argument('--cardinality', default=8)`` for ``cardinality``,
``--base-width`` for ``baseWidth``, ``--growthRate`` for ``growth_rate``), read with ``ast``.
Names are compared as snake_case words, whatever the convention each is written in. Among
several scripts, the one whose code imports the model's package first (``import
models.cifar as models`` for ``models/cifar/resnext.py``), then the nearest."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from netlint.arguments.parser_defaults import argparse_defaults
from netlint.arguments.project_text import file_text, file_tree, project_python_files
from netlint.paths import display_path

_VALUES = (bool, int, float, str)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake(name: str) -> str:
    """A name in snake_case words, whatever its convention: ``baseWidth`` → ``base_width``,
    ``--widen-factor`` → ``widen_factor``, ``nChannels`` → ``n_channels``."""
    return _CAMEL.sub("_", name.strip("-").replace("-", "_")).lower()


def option_default(name: str, model_file: Path, root: Path) -> tuple[Any, str] | None:
    """The default of the option the project's scripts name like the parameter ``name``, and
    which script: the one that imports the model's package first."""
    wanted = snake(name)
    for script, defaults in _ranked(model_file.resolve(), root.resolve()):
        if wanted in defaults:
            return defaults[wanted], script
    return None


@functools.lru_cache(maxsize=32)
def _ranked(model_file: Path, root: Path) -> tuple[tuple[str, dict[str, Any]], ...]:
    try:
        package = ".".join(model_file.relative_to(root).with_suffix("").parts)
    except ValueError:
        package = model_file.stem
    found = []
    for file in project_python_files(root):
        tree = file_tree(file) if file != model_file else None
        defaults = argparse_defaults(tree) if tree is not None else {}
        defaults = {snake(k): v for k, v in defaults.items() if isinstance(v, _VALUES)}
        if defaults:
            found.append((_import_rank(file_text(file), package), file, defaults))
    found.sort(key=lambda f: (f[0], len(f[1].parts), str(f[1])))
    return tuple((display_path(file), defaults) for _, file, defaults in found)


def _import_rank(text: str, package: str) -> int:
    """0 when the script names the model's module, 1 its package, ..., the number of parts when none."""
    parts = package.split(".")
    for rank in range(len(parts) - 1):
        if re.search(rf"\b{re.escape('.'.join(parts[:len(parts) - rank]))}\b", text):
            return rank
    return len(parts)
