"""The project's files for every source of arguments: which they are, their text and ``ast``,
read and parsed once per run (a file edited by ``--fix`` is read again: the cache is keyed on
its version), and whether a module is one of them."""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import Any

from netlint.project import python_files
from netlint.source import read_source, version

MAX_PROJECT_FILES = 2000


def file_text(path: Path) -> str:
    """The file's text; "" when it cannot be read."""
    return _text(Path(path), version(path))


def file_tree(path: Path) -> ast.Module | None:
    """The file's ``ast``; None when it cannot be read or parsed."""
    return _tree(Path(path), version(path))


@functools.lru_cache(maxsize=4096)
def _text(path: Path, _version: tuple) -> str:
    try:
        return read_source(path)
    except (OSError, UnicodeDecodeError, ValueError):
        return ""


@functools.lru_cache(maxsize=1024)
def _tree(path: Path, _version: tuple) -> ast.Module | None:
    text = _text(path, _version)
    if not text:
        return None
    try:
        return ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError):
        return None


@functools.lru_cache(maxsize=8)
def project_python_files(root: Path) -> tuple[Path, ...]:
    found = []
    for i, file in enumerate(python_files(root)):
        if i == MAX_PROJECT_FILES:
            break
        found.append(file)
    return tuple(found)


def is_project_file_module(module: Any) -> bool:
    """A module from a file of the user's project (outside installed libraries)."""
    from netlint.user_code import is_library_file

    file = getattr(module, "__file__", None)
    return bool(file) and not is_library_file(file)
