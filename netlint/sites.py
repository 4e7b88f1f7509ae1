"""Code sites: the line (and column) of the user's code that made a layer or a call, taken from
a live stack frame, the current Python stack, or a stack formatted as text (fx and export
record one). Library and netlint frames are passed over to reach the user's line."""

from __future__ import annotations

import functools
import linecache
import os
import re
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from netlint.graph import Site
from netlint.user_code import NETLINT_DIR, is_library_file
from netlint.paths import display_path

_STACK_LINE = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+), in ')

_positions_cache: dict[Any, list] = {}


def frame_site(frame: FrameType) -> Site:
    """The site of the call a frame is making; columns count characters, not UTF-8 bytes."""
    code = frame.f_code
    positions = _positions_cache.get(code)
    if positions is None:
        positions = _positions_cache[code] = list(code.co_positions())
    line, end_line, column, _ = positions[frame.f_lasti // 2]
    if line is None:
        line, end_line, column = frame.f_lineno, frame.f_lineno, 0
    text = linecache.getline(code.co_filename, line).encode("utf-8")
    characters = len(text[:column or 0].decode("utf-8", "replace"))
    return Site(_shown(code.co_filename, os.getcwd()), line, characters + 1, end_line or line)


@functools.lru_cache(maxsize=1024)
def _shown(filename: str, cwd: str) -> str:
    return display_path(Path(filename))


def user_site(frame: FrameType | None) -> Site | None:
    """The user's line of a call made from ``frame`` or the library frames above it; None
    when netlint itself made it (the target's own call)."""
    while frame is not None and is_library_file(frame.f_code.co_filename):
        if frame.f_code.co_filename.startswith(NETLINT_DIR):
            return None
        frame = frame.f_back
    return None if frame is None else frame_site(frame)


def site_in_stack_text(text: str | None) -> Site | None:
    """The innermost frame of the user's code in a formatted stack (fx and export record one)."""
    frames = [m for m in _STACK_LINE.finditer(text or "") if not is_library_file(m["file"])]
    return statement_site(frames[-1]["file"], int(frames[-1]["line"])) if frames else None


def site_of_caller() -> Site | None:
    """The innermost frame of the user's code on the current Python stack, between
    netlint's own frames here and netlint's call of the model (None if there is none)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(NETLINT_DIR):
        frame = frame.f_back
    while frame is not None and is_library_file(frame.f_code.co_filename):
        if frame.f_code.co_filename.startswith(NETLINT_DIR):
            return None
        frame = frame.f_back
    return statement_site(frame.f_code.co_filename, frame.f_lineno) if frame is not None else None


def statement_site(path: str, line: int) -> Site:
    """A statement's site; its column is that of the line's first character."""
    text = linecache.getline(path, line)
    column = len(text) - len(text.lstrip()) + 1 if text.strip() else 1
    return Site(display_path(Path(path)), line, column, line)
