"""Checkpoint files the project's code loads into a module it names, read from the code's text
(the scripts that load them are not run): ``vgg.load_state_dict(torch.load(args.vgg))`` with
``--vgg`` defaulting to ``'models/vgg_normalised.pth'``, ``net.encoder.load_state_dict(
torch.load('resnet18-5c106cde.pth'))``. Weights loaded while the model is built are recorded by
the load phase; these are the ones a script loads after building it."""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

from netlint.arguments.call import dotted_name
from netlint.arguments.parser_defaults import argparse_defaults
from netlint.arguments.project_text import file_text, file_tree
from netlint.checkpoint_files import CHECKPOINT_SUFFIXES
from netlint.paths import display_path


@dataclass(frozen=True)
class CheckpointLoad:
    """One ``X.load_state_dict(...)`` whose argument names a checkpoint file."""

    receiver: tuple[str, ...]  # the names of what it is loaded into: ("vgg",), ("net", "encoder")
    file: str  # the checkpoint's path as the code writes it
    path: str  # the project file, as shown
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@functools.lru_cache(maxsize=8)
def checkpoint_loads(root: Path, folder: Path) -> tuple[CheckpointLoad, ...]:
    """Every load of a named checkpoint file into a named module in the scripts beside the
    model's file and in each folder above it up to the project's root (where a project keeps
    ``train.py`` and ``test.py``), not in the whole tree: a project of thousands of files costs
    seconds to read, and its other folders' scripts load other models."""
    found: list[CheckpointLoad] = []
    folders = [folder, *folder.parents]
    folders = folders[:folders.index(root) + 1] if root in folders else [folder]
    for where in folders:
        for file in sorted(where.glob("*.py")):
            if "load_state_dict" not in file_text(file):
                continue
            tree = file_tree(file)
            if tree is not None:
                found.extend(_loads_in(tree, display_path(file)))
    return tuple(found)


def _loads_in(tree: ast.Module, shown: str) -> list[CheckpointLoad]:
    strings = _named_strings(tree)
    loads = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "load_state_dict" and node.args):
            continue
        receiver = dotted_name(node.func.value)
        if not receiver:
            continue
        for file in _checkpoints_in(node.args[0], strings):
            loads.append(CheckpointLoad(tuple(receiver.split(".")), file, shown, node.lineno))
    return loads


def _named_strings(tree: ast.Module) -> dict[str, str]:
    """Names given a string in the file: argparse options' defaults (``--vgg`` → ``vgg``) and
    plain assignments (``VGG_PATH = '...'``)."""
    named = {name: value for name, value in argparse_defaults(tree).items() if isinstance(value, str)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, (ast.Name, ast.Attribute)):
                    named[target.id if isinstance(target, ast.Name) else target.attr] = node.value.value
    return named


def _checkpoints_in(argument: ast.expr, strings: dict[str, str]) -> list[str]:
    """The checkpoint file names in what is given to ``load_state_dict`` (a ``torch.load`` of a
    literal, of an option's default, of ``os.path.join`` of them)."""
    found = []
    for node in ast.walk(argument):
        value = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
        elif isinstance(node, ast.Attribute):
            value = strings.get(node.attr)
        elif isinstance(node, ast.Name):
            value = strings.get(node.id)
        if value and value.lower().endswith(CHECKPOINT_SUFFIXES):
            found.append(value)
    return found

