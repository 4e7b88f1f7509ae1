"""The project's YAML, JSON and TOML files, loaded once per run (YAML only when PyYAML is
installed), OmegaConf/Hydra references to other keys resolved; and whether a file's path says it
is for testing. Data only: nothing of the project's code is read here."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from netlint.paths import display_path
from netlint.project import config_files

SUFFIXES = (".yaml", ".yml", ".json", ".toml")
MAX_FILES = 500
MAX_BYTES = 1_000_000

_TESTING = {"test", "testing", "tests", "val", "valid", "validation", "infer", "inference", "demo", "eval",
            "debug", "dummy", "toy"}


def for_testing(shown: str) -> bool:
    """Whether a configuration's path or name says it is for testing, a demo or debugging
    ("options/test/x.yml", "configs.py's get_testing()"): the training ones come first."""
    return any(word in _TESTING for word in re.split(r"[^a-z0-9]+", shown.lower()))


_loaded: dict[tuple[str, int, int], Any] = {}  # (file, mtime, size) -> its data, for the run


def loaded_data_files(root: Path) -> Iterator[tuple[str, dict]]:
    """The project's YAML, JSON and TOML files that load to a mapping, as the report shows them."""
    files = [f for f in config_files(root) if f.name.endswith(SUFFIXES)][:MAX_FILES]
    for file in files:
        data = _load(file)
        if isinstance(data, dict):
            yield display_path(file), data


def _load(file: Path) -> Any:
    try:
        stat = file.stat()
    except OSError:
        return None
    if stat.st_size > MAX_BYTES:
        return None
    key = (str(file.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _loaded:
        data = _parse(file)
        _loaded[key] = _interpolated(data, {file.parent.name: data, **data}) if isinstance(data, dict) else data
    return _loaded[key]


_REFERENCE = re.compile(r"\$\{([A-Za-z_][\w.]*)\}")


def _interpolated(value: Any, root: dict, depth: int = 0) -> Any:
    """OmegaConf/Hydra references to another key of the file (``ngf: ${model.width}``), also
    by the package of a Hydra group's file (``${generator.ngf}`` in ``generator/big.yaml``)."""
    if isinstance(value, dict):
        return {k: _interpolated(v, root, depth) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolated(v, root, depth) for v in value]
    match = _REFERENCE.fullmatch(value) if isinstance(value, str) else None
    if match is None or depth > 4:
        return value
    found: Any = root
    for part in match.group(1).split("."):
        if not isinstance(found, dict) or part not in found:
            return value
        found = found[part]
    return _interpolated(found, root, depth + 1)


def _parse(file: Path) -> Any:
    try:
        text = file.read_text(encoding="utf-8")
        if file.suffix == ".json":
            return json.loads(text)
        if file.suffix == ".toml":
            return tomllib.loads(text)
        try:
            import yaml
        except ImportError:
            return None
        return yaml.safe_load(text)
    except Exception:  # a file that is not valid configuration (or a template) is not one
        return None
