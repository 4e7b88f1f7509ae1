"""The project's files for every source of arguments: which they are (its ``.py`` files and
its scripts without an extension that are Python: ``train`` with a ``#!/usr/bin/env python``
line), their text and ``ast``, read and parsed once per run (a file edited by ``--fix`` is read
again: the cache is keyed on its version), and whether a module is one of them. A file written
for Python 2 (``print 'epoch'``, ``except IOError, e:``) is parsed without the lines Python 3
rejects, so the calls and options in the rest of it are still read."""

from __future__ import annotations

import ast
import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from netlint.project import python_files, skipped_dir
from netlint.source import read_source, version

MAX_PROJECT_FILES = 2000
MAX_SCRIPT_BYTES = 1_000_000
MAX_REJECTED_LINES = 200  # lines of a Python 2 file left out before giving up on it


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
    except SyntaxError as error:
        return _without_rejected_lines(text, path, error)
    except ValueError:
        return None


def _without_rejected_lines(text: str, path: Path, error: SyntaxError) -> ast.Module | None:
    """The file parsed with each line Python 3 rejects replaced: ``except E, e:`` as ``except E
    as e:``, another block's header by one that opens the same block (``if True:``, ``except
    Exception:``), a line indented where no block opened dropped, any other line by ``pass``."""
    lines = text.splitlines()
    for _ in range(MAX_REJECTED_LINES):
        number = error.lineno
        if not number or number > len(lines):
            return None
        replaced = _replaced(lines[number - 1], str(error.msg))
        if replaced == lines[number - 1]:
            return None
        lines[number - 1] = replaced
        try:
            return ast.parse("\n".join(lines), filename=str(path))
        except SyntaxError as again:
            error = again
        except ValueError:
            return None
    return None


_PYTHON2_EXCEPT = re.compile(r"^(\s*except\s+)(.+?),\s*(\w+)\s*:")


def _replaced(line: str, message: str) -> str:
    indent = line[:len(line) - len(line.lstrip())]
    words = line.split()
    if "unexpected indent" in message:
        return ""
    if _PYTHON2_EXCEPT.match(line):
        return _PYTHON2_EXCEPT.sub(r"\1\2 as \3:", line)
    if not line.rstrip().endswith(":"):
        return f"{indent}pass"
    if words[0] in ("except", "elif"):
        return f"{indent}{'except Exception' if words[0] == 'except' else 'elif True'}:"
    return f"{indent}if True:"


@functools.lru_cache(maxsize=8)
def project_python_files(root: Path) -> tuple[Path, ...]:
    """The project's ``.py`` files, then its Python scripts without an extension."""
    found = []
    for i, file in enumerate(python_files(root)):
        if i == MAX_PROJECT_FILES:
            break
        found.append(file)
    return tuple(found) + tuple(python_scripts(root))


def python_scripts(folder: Path) -> Iterator[Path]:
    """The files without an extension below ``folder`` that are Python: a ``#!`` line that
    names python, or text that parses and imports torch (``train``, ``test``, ``run``)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not skipped_dir(Path(root) / d))
        for name in sorted(files):
            if "." not in name and is_python_script(Path(root) / name):
                yield Path(root) / name


def is_python_script(path: Path) -> bool:
    try:
        if path.stat().st_size > MAX_SCRIPT_BYTES:
            return False
        with open(path, "rb") as handle:
            head = handle.read(200)
    except OSError:
        return False
    if b"\0" in head:
        return False
    first = head.split(b"\n", 1)[0]
    if first.startswith(b"#!"):
        return b"python" in first
    text = file_text(path)
    if "torch" not in text or "import" not in text:
        return False
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def is_project_file_module(module: Any) -> bool:
    """A module from a file of the user's project (outside installed libraries)."""
    from netlint.user_code import is_library_file

    file = getattr(module, "__file__", None)
    return bool(file) and not is_library_file(file)
