"""Import a target's file as its user runs it.

The working directory is importable (as with ``python -m``), and so are the file's own
package root and folder (as with ``python file.py``) and, after them, the folders between it
and the project's root (as when a script of the project runs from one of them); a file in a
folder without ``__init__.py`` below the working directory is imported under its dotted name
there (``models.net``), so that namespace packages and its relative imports resolve;
elsewhere, a file whose relative imports name its folders as packages is imported under that
dotted name. A top-level module that none of these has but the project does (``from
models.blocks import ...`` in ``scripts/train.py``, or in a ``src`` layout) is imported from
the project's folder that holds it, nearest to the importing file first; one inside a regular
package under its dotted name (``import imutils`` finding ``pose/utils/imutils.py`` gives
``pose.utils.imutils``); a plain file is not a package the importing file takes submodules of
(``callbacks/skorch.py`` for ``from skorch.callbacks import X``). The user's own modules run for their definitions only
(``netlint.load.definitions``); a third-party module that is not installed gets a stand-in
(``netlint.load.stand_ins``).
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib
import importlib.machinery
import importlib.util
import keyword
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from netlint.project import marked_folder, python_files
from netlint.source import read_source
from netlint.load.definitions import DefinitionsLoader, ProjectFinder, spec_for_file
from netlint.load.stand_ins import importing_file, standing_in
from netlint.user_code import LoadError, error_from, is_library_file, set_project
from netlint.target import Target

INDEXED_FILES = 5000  # a project's files looked at for its top-level modules


def import_target_module(target: Target) -> ModuleType:
    cwd = Path.cwd().resolve()
    try:
        with project_imports():
            if target.module is not None:
                set_project()
                _importable(cwd)
                return importlib.import_module(target.module)
            path = target.path.resolve()
            root, name = _package_root(path)
            top = marked_folder(path.parent)
            set_project(root, top)
            _importable(cwd)
            for folder in reversed(_folders_between(path, top or cwd)):
                if folder not in (cwd, root):
                    _importable(folder)
            _importable(path.parent)  # as for ``python file.py``: its sibling modules import
            _importable(root)  # first: the file's package imports as such
            if "." not in name:
                name = _dotted_below(path, cwd) or name
            if "." in name:  # inside a package: import it as such, relative imports work
                return importlib.import_module(name)
            return _import_with_folder_as_package(path) or _import_standalone(path, name)
    except LoadError:
        raise
    except Exception as exc:
        raise error_from(exc, str(target.path.resolve()) if target.path else None) from exc


@contextlib.contextmanager
def project_imports() -> Iterator[None]:
    sys.meta_path.insert(0, ProjectFinder)
    sys.meta_path.append(ProjectFolderFinder)  # after every other finder, before the stand-ins
    try:
        with standing_in():
            yield
    finally:
        sys.meta_path.remove(ProjectFolderFinder)
        sys.meta_path.remove(ProjectFinder)


class ProjectFolderFinder:
    """A meta path finder for a top-level module that no other finder finds but that is one
    of the project's files or folders (see the module docstring)."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if path is not None:
            return None
        importer = importing_file()
        if importer is None or is_library_file(importer):
            return None
        folder = Path(importer).resolve().parent
        root = marked_folder(folder) or (Path.cwd() if folder.is_relative_to(Path.cwd()) else folder)
        for parent in _holders(str(root), name, str(folder)):
            spec = importlib.machinery.PathFinder.find_spec(name, [parent])
            if spec is not None and spec.submodule_search_locations is None and _imports_submodules(importer, name):
                return None  # (a project's ``callbacks/skorch.py`` is not the library skorch its code imports from)
            if spec is not None:
                aliased = _in_package(name, spec)
                if aliased is not None:
                    return aliased
                if isinstance(spec.loader, importlib.machinery.SourceFileLoader):
                    spec.loader = DefinitionsLoader(name, spec.origin)
                return spec
        return None

    @classmethod
    def invalidate_caches(cls) -> None:
        _project_modules.cache_clear()


def _imports_submodules(importer: str, name: str) -> bool:
    """Whether the importing file imports a submodule of ``name`` (``from skorch.callbacks import
    Callback``): ``name`` is then a package, never a plain file of the project named so."""
    try:
        source = read_source(Path(importer))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return f"from {name}." in source or f"import {name}." in source


class _AliasLoader:
    """Gives, under a top-level name, the module a package already holds under its dotted name."""

    def __init__(self, dotted: str) -> None:
        self.dotted = dotted

    def create_module(self, spec) -> ModuleType:
        return importlib.import_module(self.dotted)

    def exec_module(self, module: ModuleType) -> None:
        pass


def _in_package(name: str, spec) -> importlib.machinery.ModuleSpec | None:
    """A module of a regular package found under a bare name (``import imutils`` finding
    ``pose/utils/imutils.py``, whose own relative imports need its package): a spec that
    imports it under its dotted name (``pose.utils.imutils``) with the package's root on the
    path, when that name gives this very file; else None."""
    if not spec.origin or not spec.has_location:
        return None
    origin = Path(spec.origin).resolve()
    file = origin.parent if origin.name == "__init__.py" else origin
    if not (file.parent / "__init__.py").is_file():
        return None
    root, dotted = _package_root(file if file.suffix else file / "__init__.py")
    dotted = dotted.removesuffix(".__init__")
    if str(root) not in sys.path:
        sys.path.append(str(root))
    try:
        found = importlib.util.find_spec(dotted)
    except Exception:  # (its package's own import fails: found as a plain module, as before)
        return None
    if found is None or not found.origin or Path(found.origin).resolve() != origin:
        return None
    return importlib.util.spec_from_loader(name, _AliasLoader(dotted))


def _holders(root: str, name: str, near: str) -> list[str]:
    """The folders of the project holding a module or package ``name``: those that are the
    importing file's folder or above it first, then the shallowest."""
    folders = _project_modules(root).get(name, ())
    return sorted(folders, key=lambda f: (not (near + os.sep).startswith(f + os.sep), f.count(os.sep), f))


@functools.lru_cache(maxsize=16)
def _project_modules(root: str) -> dict[str, tuple[str, ...]]:
    """Top-level name -> the folders of the project where it is a module or a package."""
    found: dict[str, set[str]] = {}
    for i, file in enumerate(python_files(Path(root))):
        if i == INDEXED_FILES:
            break
        found.setdefault(file.stem, set()).add(str(file.parent))
        for folder in file.parents:
            if str(folder) == root or folder == folder.parent:
                break
            found.setdefault(folder.name, set()).add(str(folder.parent))
    return {name: tuple(folders) for name, folders in found.items() if name.isidentifier()}


def _importable(folder: Path) -> None:
    entry = str(folder)
    if entry in sys.path:
        sys.path.remove(entry)
    sys.path.insert(0, entry)


def _folders_between(path: Path, top: Path) -> list[Path]:
    """The folders above the file's own, nearest first, up to ``top`` (the project's root):
    where the project's scripts may run from (``cd code; python main.py``), so that their
    packages import as they do there (``from model import common`` finds ``code/model/``, a
    regular package, before a ``model/`` folder of weights elsewhere: Python prefers a regular
    package on any entry of the path to a namespace folder)."""
    if not path.is_relative_to(top):
        return []
    return [folder for folder in path.parents if folder != path.parent and folder.is_relative_to(top)]


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


def _import_with_folder_as_package(path: Path) -> ModuleType | None:
    """A file outside any package whose relative imports (``from .blocks import ...``, ``from
    ..utils import ...``) name its folders as packages: imported under that dotted name
    (``heads.detector``), the folder above them on the path; None when it has no relative
    import or its folders do not make a name that gives this very file."""
    try:
        tree = ast.parse(read_source(path))
    except (SyntaxError, ValueError, OSError):
        return None
    level = max((n.level for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)), default=0)
    folders = path.parents[:level]
    if not level or len(path.parents) <= level \
            or not all(f.name.isidentifier() and not keyword.iskeyword(f.name) for f in folders):
        return None
    name = ".".join([*(f.name for f in reversed(folders)), path.stem])
    _importable(path.parents[level])
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or Path(spec.origin).resolve() != path:
        return None
    return importlib.import_module(name)


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

