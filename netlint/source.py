"""The text of the user's files, as every part of netlint reads it.

``--fix`` verifies an edit before it writes it: inside ``edited({path: text})`` discovery,
imports, tracebacks (linecache), argument search and noqa comments all read the edited
text instead of the file's, in this process and in the workers it forks. Nothing is written.
"""

from __future__ import annotations

import contextlib
import linecache
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

_edited: dict[str, str] = {}  # resolved path -> the text netlint reads instead of the file's


def read_source(path: str | Path) -> str:
    if _edited:
        text = _edited.get(str(Path(path).resolve()))
        if text is not None:
            return text
    return Path(path).read_text(encoding="utf-8")


def version(path: str | Path) -> tuple:
    """A key that changes whenever the text ``read_source`` gives changes (for caches)."""
    if _edited:
        text = _edited.get(str(Path(path).resolve()))
        if text is not None:
            return ("edited", hash(text))
    try:
        stat = os.stat(path)
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@contextlib.contextmanager
def edited(texts: Mapping[Path, str]) -> Iterator[None]:
    """Read these texts instead of the files at these paths."""
    saved_lines = {}
    for path, text in texts.items():
        key = str(Path(path).resolve())
        _edited[key] = text
        for name in {key, str(path)}:
            saved_lines[name] = linecache.cache.get(name)
            # an entry without a modification time is never checked against the file
            linecache.cache[name] = (len(text), None, text.splitlines(True), name)
    try:
        yield
    finally:
        for path in texts:
            _edited.pop(str(Path(path).resolve()), None)
        for name, entry in saved_lines.items():
            if entry is None:
                linecache.cache.pop(name, None)
            else:
                linecache.cache[name] = entry
