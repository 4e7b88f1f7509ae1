"""Import a target's file as its user runs it.

The working directory is importable (as with ``python -m``), and so is the file's own
package root (as with ``python file.py``); a file in a folder without ``__init__.py`` below
the working directory is imported under its dotted name there (``models.net``), so that
namespace packages and its relative imports resolve. The user's own modules run for their
definitions only (``netlint.load.definitions``).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import keyword
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from netlint.discover import Target
from netlint.load.definitions import ProjectFinder, spec_for_file
from netlint.load.user_code import LoadError, error_from


def import_target_module(target: Target) -> ModuleType:
    cwd = Path.cwd().resolve()
    try:
        with project_imports():
            if target.module is not None:
                _importable(cwd)
                return importlib.import_module(target.module)
            path = target.path.resolve()
            root, name = _package_root(path)
            _importable(cwd)
            _importable(path.parent)  # as for ``python file.py``: its sibling modules import
            _importable(root)  # first: the file's package imports as such
            if "." not in name:
                name = _dotted_below(path, cwd) or name
            if "." in name:  # inside a package: import it as such, relative imports work
                return importlib.import_module(name)
            return _import_standalone(path, name)
    except LoadError:
        raise
    except Exception as exc:
        raise error_from(exc, str(target.path.resolve()) if target.path else None) from exc


@contextlib.contextmanager
def project_imports() -> Iterator[None]:
    sys.meta_path.insert(0, ProjectFinder)
    try:
        yield
    finally:
        sys.meta_path.remove(ProjectFinder)


def _importable(folder: Path) -> None:
    entry = str(folder)
    if entry in sys.path:
        sys.path.remove(entry)
    sys.path.insert(0, entry)


def _dotted_below(path: Path, cwd: Path) -> str | None:
    """``models.net`` for ``models/net.py`` below the working directory, when that name
    imports this very file (no installed package of the same name is in the way)."""
    try:
        parts = path.parent.relative_to(cwd).parts
    except ValueError:
        return None
    if not parts or not all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
        return None
    name = ".".join((*parts, path.stem))
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    return name if spec is not None and spec.origin and Path(spec.origin).resolve() == path else None


def _import_standalone(path: Path, name: str) -> ModuleType:
    """Import a file outside any package under its own name, or a fresh one when that name
    is taken by another module (``types.py``, or two ``model.py`` in different folders)."""
    existing = sys.modules.get(name)
    if existing is not None:
        if Path(getattr(existing, "__file__", "") or "").resolve() == path:
            return existing
        name = f"{name}__netlint_{len(sys.modules)}"
    spec = spec_for_file(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _package_root(path: Path) -> tuple[Path, str]:
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").exists():
        parts.insert(0, folder.name)
        folder = folder.parent
    return folder, ".".join(parts)

