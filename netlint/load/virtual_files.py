"""What the project's code sees of its weights files while a model is built: a project that
checks that its checkpoint is there (``if os.path.exists('./pretrained/xception_65.pth')``,
else ``raise ValueError``) is told it is, and loading it gives the stand-in weights
(``offline``); one that makes its download folder first (``os.makedirs('./pretrained')``) is
told the folder is made, and sees it, while nothing is written. Only the project's own calls
are answered so (a library's check of its own files is not)."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import sysconfig
from collections.abc import Iterator
from typing import Any

_STDLIB = os.path.realpath(sysconfig.get_paths()["stdlib"]) + os.sep


@contextlib.contextmanager
def virtual_weights_files(is_missing_checkpoint, may_write) -> Iterator[None]:
    """While the block runs: ``os.path.exists``/``isfile`` answer True for a checkpoint file
    (by its name) that is not on disk, outside the scratch folder, and ``os.mkdir``/``makedirs`` of a folder the sandbox
    would refuse is answered as done (``isdir``/``exists`` then see it); for the project's calls only.
    ``may_write(path)``: whether the sandbox lets the code write there (its scratch folder)."""
    made: set[str] = set()
    originals = {name: getattr(os.path, name) for name in ("exists", "isfile", "isdir")}
    original_mkdir, original_makedirs = os.mkdir, os.makedirs

    def checkpoint(path: Any) -> bool:
        """A missing checkpoint outside the scratch folder (a download cache under $HOME or
        $TORCH_HOME is there: its download, answered offline, names the URL)."""
        return is_missing_checkpoint(path) and not may_write(path)

    def exists(path: Any) -> bool:
        return originals["exists"](path) or (_asked_by_project() and (_made(path, made) or checkpoint(path)))

    def isfile(path: Any) -> bool:
        return originals["isfile"](path) or (_asked_by_project() and checkpoint(path))

    def isdir(path: Any) -> bool:
        return originals["isdir"](path) or (_asked_by_project() and _made(path, made))

    def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        if not may_write(path) and _asked_by_project():
            made.add(_absolute(path))
            return None
        return original_mkdir(path, *args, **kwargs)

    def makedirs(name: Any, *args: Any, **kwargs: Any) -> None:
        if not may_write(name) and _asked_by_project():
            made.add(_absolute(name))
            return None
        return original_makedirs(name, *args, **kwargs)

    os.path.exists, os.path.isfile, os.path.isdir = exists, isfile, isdir
    os.mkdir, os.makedirs = mkdir, makedirs
    try:
        yield
    finally:
        os.path.exists, os.path.isfile, os.path.isdir = originals["exists"], originals["isfile"], originals["isdir"]
        os.mkdir, os.makedirs = original_mkdir, original_makedirs


def _absolute(path: Any) -> str:
    try:
        return os.path.abspath(os.fsdecode(path))
    except TypeError:
        return ""


def _made(path: Any, made: set[str]) -> bool:
    return bool(made) and not isinstance(path, int) and _absolute(path) in made


def _asked_by_project() -> bool:
    """Whether the first caller outside the standard library (``pathlib``, ``os``) is the project's code."""
    from netlint.user_code import NETLINT_DIR, is_library_file

    frame = sys._getframe(2)
    while frame is not None and (_in_stdlib(frame.f_code.co_filename) or frame.f_code.co_filename == __file__):
        frame = frame.f_back
    return frame is not None and not frame.f_code.co_filename.startswith(NETLINT_DIR) \
        and not is_library_file(frame.f_code.co_filename)


@functools.lru_cache(maxsize=1024)
def _in_stdlib(filename: str) -> bool:
    return os.path.realpath(filename).startswith(_STDLIB)
