"""The text and ``ast`` of the project's files, read and parsed once per run for every source
of arguments (a file edited by ``--fix`` is read again: the cache is keyed on its version)."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from netlint.source import read_source, version


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
