"""Where a project's code is: its root folder, and its Python files (without the folders
that hold no code of its own). Paths only: nothing here reads a file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

SKIPPED_DIRS = {"build", "dist", "node_modules", "__pycache__", "site-packages"}
MARKERS = ("pyproject.toml", "setup.py", ".git")


def python_files(folder: Path) -> Iterator[Path]:
    """The ``.py`` files below ``folder``, in a stable order."""
    for root, dirs, files in os.walk(folder):  # (os.walk does not follow symlinked folders)
        dirs[:] = sorted(d for d in dirs if not skipped_dir(Path(root) / d))
        for file in sorted(files):
            if file.endswith(".py"):
                yield Path(root) / file


def skipped_dir(path: Path) -> bool:
    """Hidden folders, virtual environments, build output and installed packages."""
    name = path.name
    return (name.startswith(".") or name in SKIPPED_DIRS or name.endswith(".egg-info")
            or (path / "pyvenv.cfg").exists())


def project_root(path: Path) -> Path:
    """The folder whose code may call the file's models: the nearest one above it with a
    pyproject.toml, setup.py or .git; else the working directory when the file is in it."""
    path = path.resolve()
    marked = marked_folder(path.parent)
    if marked is not None:
        return marked
    cwd = Path.cwd().resolve()
    return cwd if cwd in path.parents else path.parent


def marked_folder(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` (resolved) with a pyproject.toml, setup.py or .git."""
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in MARKERS):
            return folder
    return None


def import_roots(path: Path) -> list[Path]:
    """The folders an absolute import in ``path`` is searched from, as when the project runs
    it: the file's own folder (``python file.py``), the folder above its package (the package
    root), the working directory (``python -m``) and the project's root."""
    path = path.resolve()
    package = path.parent
    while (package / "__init__.py").is_file():
        package = package.parent
    roots = [path.parent, package, Path.cwd().resolve(), project_root(path)]
    return list(dict.fromkeys(roots))
