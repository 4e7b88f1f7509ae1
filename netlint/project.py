"""Where a project's code is: its root folder, and its Python files (without the folders
that hold no code of its own), its configuration files. Paths only: nothing here reads a file."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

SKIPPED_DIRS = {"build", "dist", "node_modules", "__pycache__", "site-packages"}
MARKERS = ("pyproject.toml", "setup.py", ".git")
CONFIG_EXTENSIONS = ("cfg", "yaml", "yml", "json", "toml", "ini", "conf", "prototxt")
MAX_CONFIG_FILES = 2000


def python_files(folder: Path, suffixes: tuple[str, ...] = (".py",)) -> Iterator[Path]:
    """The ``.py`` files below ``folder`` (or those of these ``suffixes``: ``.ipynb`` for the
    notebooks too), in a stable order; hidden ones are not code (no import can name them: macOS's
    ``._model.py`` AppleDouble files are binary metadata)."""
    for root, dirs, files in os.walk(folder):  # (os.walk does not follow symlinked folders)
        dirs[:] = sorted(d for d in dirs if not skipped_dir(Path(root) / d))
        for file in sorted(files):
            if file.endswith(suffixes) and not file.startswith("."):
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
    root), the working directory (``python -m``) and the project's root; last, the packages
    between the file and its package root, where a script beside them runs (``Train/main.py``
    importing ``model`` while ``Train`` has an ``__init__.py`` too: ``loss/discriminator.py``'s
    ``from model import common`` is ``Train/model/common.py``)."""
    path = path.resolve()
    package = path.parent
    between: list[Path] = []
    while (package / "__init__.py").is_file():
        package = package.parent
        between.append(package)
    roots = [path.parent, package, Path.cwd().resolve(), project_root(path), *between]
    return list(dict.fromkeys(roots))


@functools.lru_cache(maxsize=8)
def config_files(root: Path) -> tuple[Path, ...]:
    """The project's configuration files (an extension of ``CONFIG_EXTENSIONS``), resolved, in
    a stable order; not those of a project of its own in a folder below. Listed once per run
    (a worker's life)."""
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not skipped_dir(Path(folder) / d)
                         and not in_other_project(Path(folder) / d / "_", root))
        found += [Path(folder, n).resolve() for n in sorted(names) if n.rpartition(".")[2] in CONFIG_EXTENSIONS]
        if len(found) >= MAX_CONFIG_FILES:
            break
    return tuple(found[:MAX_CONFIG_FILES])


def in_other_project(file: Path, root: Path) -> bool:
    """Whether the file is in a project of its own below ``root`` (a folder with a
    pyproject.toml, setup.py or .git): its options and configurations are not the root's."""
    folder = file.parent
    while folder != root and root in folder.parents:
        if _marked(folder):
            return True
        folder = folder.parent
    return False


@functools.lru_cache(maxsize=4096)
def _marked(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in MARKERS)
