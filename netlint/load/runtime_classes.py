"""Once a file is imported, the classes it defines that the ``ast`` scan did not list but that
are ``nn.Module`` subclasses (a base from another library: ``class Enc(SENet)`` with
pretrainedmodels installed, ``class Net(smp.Unet)``), or that derive from a stand-in for a
module that is not installed (so netlint cannot know). Each becomes a target, a skip that
says why, or an error, so that every ``nn.Module`` class of a linted file is analyzed,
skipped, an error, or not a root model, at run time as in the scan."""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from torch import nn

from netlint.load.stand_ins import forward_above, missing, stand_in_base
from netlint.paths import display_path
from netlint.source import read_source
from netlint.target import Problem, Skipped, Target
from netlint.unseen_bases import unseen_base_classes


@dataclass(frozen=True)
class Unlisted:
    """What to do with one class the scan did not list: lint ``target``, or report ``skipped``
    or ``error``."""

    target: Target | None = None
    skipped: Skipped | None = None
    error: Problem | None = None


def unlisted_classes(module: ModuleType, path: Path, listed: set[str]) -> list[Unlisted]:
    shown = display_path(path)
    classes = [value for name, value in vars(module).items()
               if inspect.isclass(value) and value.__module__ == module.__name__ and value.__name__ == name
               and name not in listed]
    found: list[Unlisted] = []
    blocks = _built_by_other_classes(path)
    for cls in classes:
        display, line = f"{shown}::{cls.__name__}", _line(cls)
        base = stand_in_base(cls)
        if base is not None:
            used = missing(base.missing_module)
            base_name = f"{base.__module__}.{base.__qualname__}"
            if forward_above(cls, base):  # a model of its own, on a base netlint has only a stand-in for
                message = f"its base {base_name} is a stand-in: {used}"
                found.append(Unlisted(error=Problem(display, shown, line, message)))
            else:
                found.append(Unlisted(skipped=Skipped(display, f"its base {base_name} is a stand-in ({used}): "
                                                               "netlint cannot tell whether it is an nn.Module",
                                                      model=False)))
        elif issubclass(cls, nn.Module):
            builder = blocks.get(cls.__name__)
            if builder is not None:
                found.append(Unlisted(skipped=Skipped(display, f"a building block: {builder} builds it", model=False)))
            else:
                found.append(Unlisted(target=Target(display, cls.__name__, path=path, line=line, discovered=True)))
    return found


def not_imported(path: Path, failure: str) -> list[Skipped]:
    """The classes of a file imported only to learn whether they are nn.Modules, when it did
    not import: each is said so (none is an error: the file may define no model at all)."""
    shown = display_path(path)
    return [Skipped(f"{shown}::{name}", f"its file did not import ({failure}): netlint cannot tell whether it is "
                                        "an nn.Module", model=False) for name in unseen_base_classes(path)]


def _line(cls: type) -> int | None:
    try:
        return inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        return None


def _built_by_other_classes(path: Path) -> dict[str, str]:
    """Class name -> another top-level class of the file that calls it in its body."""
    try:
        tree = ast.parse(read_source(path))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return {}
    built: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id != node.name:
                    built.setdefault(call.func.id, node.name)
    return built
