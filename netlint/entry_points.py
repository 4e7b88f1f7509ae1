"""Entry points, read straight from the installed distributions' metadata folders on
``sys.path``: importing ``importlib.metadata`` and letting it scan every distribution costs
~40 ms, a third of a pre-commit run over files that define no model. As importlib.metadata
does, the first distribution of a name on ``sys.path`` wins."""

from __future__ import annotations

import importlib
import os
import re
import sys
from dataclasses import dataclass

_METADATA = re.compile(r"^(?P<name>[^-]+)(-[^/]*)?\.(dist|egg)-info$")


@dataclass(frozen=True)
class EntryPoint:
    name: str
    value: str  # "package.module:attribute"
    folder: str  # the distribution's .dist-info or .egg-info folder

    @property
    def module(self) -> str:
        return self.value.partition(":")[0].strip()

    @property
    def attr(self) -> str:
        return self.value.partition(":")[2].partition("[")[0].strip()

    def load(self):
        found = importlib.import_module(self.module)
        for part in filter(None, self.attr.split(".")):
            found = getattr(found, part)
        return found

    @property
    def distribution(self) -> str:
        """Its distribution's name as published (read only for error messages)."""
        for name in ("METADATA", "PKG-INFO"):
            try:
                with open(os.path.join(self.folder, name), encoding="utf-8") as metadata:
                    for line in metadata:
                        if line.startswith("Name:"):
                            return line[5:].strip()
            except OSError:
                continue
        return _METADATA.match(os.path.basename(self.folder))["name"]


def entry_points(group: str) -> list[EntryPoint]:
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for path in sys.path:
        try:
            names = sorted(os.listdir(path or "."))
        except OSError:  # a zip file, or a folder that is gone
            continue
        for name in names:
            match = _METADATA.match(name)
            if match is None:
                continue
            distribution = re.sub(r"[-_.]+", "_", match["name"]).lower()
            if distribution in seen:
                continue
            seen.add(distribution)
            folder = os.path.join(path or ".", name)
            found += _read(os.path.join(folder, "entry_points.txt"), group, folder)
    return found


def _read(path: str, group: str, folder: str) -> list[EntryPoint]:
    try:
        with open(path, encoding="utf-8") as file:
            lines = file.read().splitlines()
    except OSError:
        return []
    entries, section = [], None
    for line in map(str.strip, lines):
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == group and "=" in line and not line.startswith(("#", ";")):
            name, _, value = line.partition("=")
            entries.append(EntryPoint(name.strip(), value.strip(), folder))
    return entries
