"""The sections of the project's configuration files that a call of its code passes as keyword
arguments: ``KPDetector(**config['model_params']['kp_detector']``, ``**config['model_params']
['common'])`` with ``config = yaml.load(f)``, or ``Net(**cfg.model)`` in a function given the
loaded configuration. Each YAML, JSON or TOML file of the project that has every section is a
call, its sections merged in the call's order (a key twice: the first); training files first,
those for testing last, then the shortest path; up to ``MAX_CALLS`` different ones."""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import Any

from netlint.arguments.config_data import for_testing, loaded_data_files

KeyPath = tuple[str, ...]
MAX_CALLS = 3


@functools.lru_cache(maxsize=256)
def section_arguments(paths: tuple[KeyPath, ...], root: Path) -> tuple[tuple[str, dict[str, Any]], ...]:
    """(where, keyword arguments) for each file that has every section of ``paths``, best first:
    "config/vox-256.yaml, sections model_params.kp_detector and model_params.common"."""
    found: list[tuple[tuple, str, dict[str, Any]]] = []
    for shown, data in loaded_data_files(root):
        merged: dict[str, Any] = {}
        for path in paths:
            section = _section(data, path)
            if section is None:
                break
            for key, value in section.items():
                merged.setdefault(key, value)
        else:
            if merged:
                inside = _inside(shown, root)
                found.append(((for_testing(inside), len(inside), inside), shown, merged))
    described = " and ".join(".".join(p) for p in paths)
    word = "section" if len(paths) == 1 else "sections"
    calls: list[tuple[str, dict[str, Any]]] = []
    for _key, shown, merged in sorted(found, key=lambda f: f[0]):
        if all(merged != other for _, other in calls):
            calls.append((f"{shown}, {word} {described}", merged))
        if len(calls) == MAX_CALLS:
            break
    return tuple(calls)


def _inside(shown: str, root: Path) -> str:
    """The file's path in the project (the folders above its root say nothing of what it is for)."""
    try:
        return Path(shown).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return shown


def _section(data: Any, path: KeyPath) -> dict[str, Any] | None:
    """The mapping at ``path``, when its keys are names and its values literals a call can pass."""
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    if not isinstance(data, dict) or not all(isinstance(k, str) and k.isidentifier() for k in data):
        return None
    try:
        if ast.literal_eval(repr(data)) != data:
            return None
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return data
