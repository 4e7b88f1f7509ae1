"""Which files are the user's (not the standard library's, an installed package's or
netlint's), and errors located at the user's line that raised them.

The user's files are those of the project being linted (the working directory, the linted
file's package root and project folder) that are not installed: a package is installed
wherever it is (site-packages, a conda prefix, ``pip install --target``, a folder on
``PYTHONPATH`` outside the project) and imports normally, as a library.
"""

from __future__ import annotations

import functools
import os
import sys
import sysconfig
import traceback
from pathlib import Path

from netlint.paths import display_path

NETLINT_DIR = str(Path(__file__).resolve().parent)
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


class NotInstalled(ModuleNotFoundError):
    """A model used a module that is not installed (netlint stood in for it)."""

    def __init__(self, module: str, reason: str | None = None) -> None:
        """``reason``: why it is missing when it is not a package that is not installed ("is not
        in the installed timm 0.9.16")."""
        remedy = reason or ("is not built: build the project's extensions" if "." in module  # the project's package
                            else "is not installed: install the project's requirements")
        super().__init__(f"model uses {module}, which {remedy}", name=module)


_INSTALL_FOLDERS = {"site-packages", "dist-packages"}


class _Project:
    folders: tuple[str, ...] = ()  # resolved; empty: the working directory
    verdicts: dict[str, bool] = {}  # file -> is a library file, for these folders


def set_project(*folders: Path | None) -> None:
    """The folders of the project being linted (with the working directory)."""
    folders = tuple(dict.fromkeys(str(f.resolve()) for f in (Path.cwd(), *folders) if f is not None))
    if folders != _Project.folders:
        _Project.folders, _Project.verdicts = folders, {}


def is_library_file(filename: str) -> bool:
    verdict = _Project.verdicts.get(filename)
    if verdict is None:
        verdict = _Project.verdicts[filename] = filename.startswith("<") or _is_library(
            _resolved_file(filename), _Project.folders or (os.getcwd(),))
    return verdict


def _resolved_file(filename: str) -> str:
    """``Path(filename).resolve()``, its folder resolved once for all its files: a worker asks
    about every module loaded (torch's two thousand), and a resolve reads each path component."""
    if os.path.islink(filename):
        return str(Path(filename).resolve())
    folder, name = os.path.split(os.path.abspath(filename))
    return os.path.join(_resolved_folder(folder), name)


@functools.lru_cache(maxsize=4096)
def _resolved_folder(folder: str) -> str:
    return str(Path(folder).resolve())


def _is_library(name: str, project: tuple[str, ...]) -> bool:
    if name.startswith(LIBRARY_DIRS):
        return True
    if not any(_inside(name, folder) for folder in project):
        return True  # installed outside the project (a PYTHONPATH folder, a conda prefix)
    if _INSTALL_FOLDERS & set(Path(name).parts):
        return True  # a virtual environment inside the project
    entries = [e for e in map(_resolved, sys.path) if e not in project and _inside(name, e)]
    return any(_holds_distributions(entry) for entry in entries)  # pip install --target inside the project


def _inside(name: str, folder: str) -> bool:
    return name == folder or name.startswith(folder.rstrip(os.sep) + os.sep)


@functools.lru_cache(maxsize=256)
def _resolved(entry: str) -> str:
    return str(Path(entry or ".").resolve())


@functools.lru_cache(maxsize=256)
def _holds_distributions(folder: str) -> bool:
    try:
        return any(name.endswith(".dist-info") for name in os.listdir(folder))
    except OSError:
        return False


def first_line(exc: BaseException) -> str:
    if isinstance(exc, NotInstalled):
        return str(exc)
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def error_from(exc: BaseException, path: str | None, prefix: str = "", message: str | None = None) -> LoadError:
    """A one-line error located at the innermost frame of the user's code."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return LoadError(f"{prefix}SyntaxError: {exc.msg}", display_path(Path(exc.filename)), exc.lineno)
    frames = traceback.extract_tb(exc.__traceback__)
    user = [f for f in frames if not is_library_file(f.filename)]
    if message is None and isinstance(exc, AssertionError) and not str(exc).strip() and user and user[-1].line:
        message = f"AssertionError: {user[-1].line}"  # a bare assert: its condition says what was wrong
    text = f"{prefix}{message or first_line(exc)}"
    if user:
        return LoadError(text, display_path(Path(user[-1].filename)), user[-1].lineno)
    return LoadError(text, display_path(Path(path)) if path else None)
