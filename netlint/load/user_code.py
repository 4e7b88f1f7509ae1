"""Which files are the user's (not the standard library's, an installed package's or
netlint's), and errors located at the user's line that raised them."""

from __future__ import annotations

import functools
import sysconfig
import traceback
from pathlib import Path

from netlint.discover import display_path

NETLINT_DIR = str(Path(__file__).resolve().parent.parent)
LIBRARY_DIRS = tuple(
    {str(Path(p).resolve()) for key in ("stdlib", "platstdlib", "purelib", "platlib")
     if (p := sysconfig.get_paths().get(key))} | {NETLINT_DIR}
)


class LoadError(Exception):
    """A target could not be imported or built; ``path``/``line`` say where, when known."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line


@functools.lru_cache(maxsize=None)
def is_library_file(filename: str) -> bool:
    if filename.startswith("<"):
        return True
    return str(Path(filename).resolve()).startswith(LIBRARY_DIRS)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def error_from(exc: BaseException, path: str | None, prefix: str = "", message: str | None = None) -> LoadError:
    """A one-line error located at the innermost frame of the user's code."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return LoadError(f"{prefix}SyntaxError: {exc.msg}", display_path(Path(exc.filename)), exc.lineno)
    frames = traceback.extract_tb(exc.__traceback__)
    user = [f for f in frames if not is_library_file(f.filename)]
    text = f"{prefix}{message or first_line(exc)}"
    if user:
        return LoadError(text, display_path(Path(user[-1].filename)), user[-1].lineno)
    return LoadError(text, display_path(Path(path)) if path else None)
