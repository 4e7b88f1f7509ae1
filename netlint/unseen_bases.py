"""Classes whose base the ``ast`` scan (``class_scan``) cannot judge: a class of a library
other than torch, torchvision, timm or transformers (``pretrainedmodels.models.senet.SENet``,
``segmentation_models_pytorch.Unet``, ``efficientnet_pytorch.EfficientNet``, a library's own
base class). Whether such a class is an ``nn.Module`` is known once its file is imported: a
file that has one is imported in a worker even when the scan finds no model in it, and its
classes are checked there (``netlint.load.runtime_classes``). Read with ``ast`` only; torch
is never imported here, and a file without such a class is never imported.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from pathlib import Path

from netlint.class_scan import TORCH_ROOTS
from netlint.project import import_roots
from netlint.source import read_source


_DERIVED_CLASS = re.compile(r"^class\s+\w+\s*\(\s*(?!object\s*\)|\))", re.MULTILINE)  # (only these are parsed)


def unseen_base_classes(path: Path, tree: ast.Module | None = None) -> list[str]:
    """The top-level classes of the file with a base from another library (see above);
    ``tree``: the file parsed already (discovery's scan), else it is read here."""
    if tree is None:
        try:
            source = read_source(path)
            tree = ast.parse(source, filename=str(path)) if _DERIVED_CLASS.search(source) else None
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            return []
    if tree is None or not any(isinstance(node, ast.ClassDef) and node.bases for node in tree.body):
        return []
    libraries = {name: package for name, package in _imported_names(tree.body).items()
                 if _other_library(package, path.resolve().parent)}
    if not libraries:
        return []
    return [node.name for node in tree.body if isinstance(node, ast.ClassDef)
            and any(_root_name(base) in libraries for base in node.bases)]


def _imported_names(body: list[ast.stmt]) -> dict[str, str]:
    """Name bound at the top level (also in ``if``/``try`` blocks) -> the package it comes from;
    relative imports are the project's and left out."""
    found: dict[str, str] = {}
    for node in body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name.partition(".")[0]] = alias.name.partition(".")[0]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            for alias in node.names:
                found[alias.asname or alias.name] = node.module.partition(".")[0]
        elif isinstance(node, (ast.If, ast.Try)):
            for block in (node.body, node.orelse, getattr(node, "finalbody", []),
                          *(h.body for h in getattr(node, "handlers", []))):
                found.update(_imported_names(block))
    return found


@functools.lru_cache(maxsize=1024)
def _other_library(package: str, folder: Path) -> bool:
    """Whether ``package``, imported by a file of ``folder``, is another library (not the project's)."""
    if package in TORCH_ROOTS or package in sys.stdlib_module_names:
        return False  # the scan judges these by their dotted names
    return not any((root / f"{package}.py").is_file() or (root / package).is_dir() for root in _roots(folder))


@functools.lru_cache(maxsize=256)
def _roots(folder: Path) -> list[Path]:
    return import_roots(folder / "__file__.py")


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node.id if isinstance(node, ast.Name) else None
