"""A configuration for a constructor that reads one by key (``config['input_dim']``,
``config.get('ngf', 64)``, ``config['netG']['ngf']``) or as nested attributes
(``cfg.MODEL.BACKBONE``, yacs/OmegaConf style), made from the project's own YAML, JSON and
TOML files and the configuration objects its Python modules define (yacs, EasyDict,
ml_collections: ``netlint.arguments.config_modules``). The keys read are followed where the
constructor passes the configuration on (``Encoder(config['encoder'])``,
``super().__init__(cfg)``, ``self.config = config``). Each file and each of its nested
sections is a candidate (the ``netG`` section of ``configs/config.yaml`` for a generator that
reads ``input_dim`` and ``ngf``); among those that have every key read without a default, the
one with most of the keys read wins, then one not for testing (``test``, ``val``, ``demo``...
in its path or name), then the shortest file path, then the shallowest section. The value is
a dict that also answers attribute access; a reference to another key of the file
(OmegaConf's ``${model.width}``) is resolved. YAML only when PyYAML is installed."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netlint.arguments.config_data import for_testing, loaded_data_files
from netlint.arguments.config_modules import Settings, configuration_objects
from netlint.arguments.options import OPTION_NAMES, own_init, positional_parameters, resolve_callee
from netlint.paths import display_path
from netlint.source import parse_function

MAX_DEPTH = 3  # calls followed where the configuration is passed on
SECTION_DEPTH = 4
MAX_CONFIGURATIONS = 3  # the best different configurations tried, best first
_MAPPING_METHODS = {"items", "keys", "values", "copy", "update", "pop", "setdefault", "__contains__"}

KeyPath = tuple[str, ...]  # a key path: ("netG", "ngf")


@dataclass(frozen=True)
class Reads:
    required: frozenset[KeyPath]  # read without a default
    optional: frozenset[KeyPath]  # read with ``.get``
    keyed: bool  # some read by key (``config['ngf']``), not only as attributes


@dataclass(frozen=True)
class Configuration:
    value: Settings
    where: str  # "configs/config.yaml" or "configs/config.yaml, section netG"


def config_parameters(factory: Any, required: list[str]) -> dict[str, Reads]:
    """The ``required`` parameters the constructor reads as a configuration: by string key
    (any name), or as attributes (an options-like name: ``cfg``, ``config``, ``opt``...)."""
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return {}
    found: dict[str, Reads] = {}
    for name in required:
        if name not in parameters:
            continue
        reads = key_reads(factory, name)
        if reads is None or not (reads.required or reads.optional):
            continue
        if not reads.keyed and name.lower() not in OPTION_NAMES:
            continue  # attributes of an object that is not named as a configuration
        found[name] = reads
    return found


def key_reads(factory: Any, name: str) -> Reads | None:
    """The key paths the constructor (and what it passes the parameter to) reads on ``name``;
    None when it is indexed by a number (a list, not a configuration)."""
    required: set[KeyPath] = set()
    optional: set[KeyPath] = set()
    if not _walk(factory, name, (), required, optional, 0):
        return None
    keyed = any(not part.startswith(".") for path in required | optional for part in path)
    return Reads(frozenset(_plain(p) for p in required), frozenset(_plain(p) for p in optional), keyed)


def _plain(path: KeyPath) -> KeyPath:
    return tuple(part.lstrip(".") for part in path)


def _walk(factory: Any, name: str, prefix: KeyPath, required: set, optional: set, depth: int) -> bool:
    from netlint.user_code import is_library_file

    owner = factory if inspect.isclass(factory) else None
    function = own_init(factory) if owner is not None else factory
    try:
        if function is None or is_library_file(inspect.getsourcefile(function) or ""):
            return True
        tree = parse_function(function)
    except (OSError, TypeError, SyntaxError, ValueError):
        return True
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    aliases = _aliases(tree, name)
    for node in ast.walk(tree):
        if not _is_root(node, name, aliases):
            continue
        path, optional_read, end = _chain(node, parents)
        if path is None:
            return False
        if path:
            (optional if optional_read else required).add(prefix + path)
        call = parents.get(end)
        call = parents.get(call) if isinstance(call, ast.keyword) else call  # Block(params=params)
        if isinstance(call, ast.Call) and end is not call.func and depth < MAX_DEPTH and not optional_read:
            for callee, parameter in _receivers(call, end, function, owner):
                if not _walk(callee, parameter, prefix + path, required, optional, depth + 1):
                    return False
    return True


def _aliases(tree: ast.AST, name: str) -> set[str]:
    """``self.config = config``: ``self.config`` reads it too (as ``"self.config"``)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == name:
            for target in node.targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                        and target.value.id == "self":
                    found.add(f"self.{target.attr}")
    return found


def _is_root(node: ast.AST, name: str, aliases: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id == name and isinstance(node.ctx, ast.Load)
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
        f"{node.value.id}.{node.attr}" in aliases and isinstance(node.ctx, ast.Load)


def _chain(node: ast.AST, parents: dict) -> tuple[KeyPath | None, bool, ast.AST]:
    """The keys read from ``node`` on (attributes marked with a leading dot), whether a
    ``.get`` read them, and the node the chain ends at; None for an index by number."""
    path: list[str] = []
    current = node
    while True:
        parent = parents.get(current)
        if isinstance(parent, ast.Subscript) and parent.value is current:
            key = parent.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                path.append(key.value)
                current = parent
                continue
            if isinstance(key, ast.Constant) and isinstance(key.value, int) and not path:
                return None, False, current
            return tuple(path), False, current
        if isinstance(parent, ast.Attribute) and parent.value is current:
            call = parents.get(parent)
            if parent.attr == "get" and isinstance(call, ast.Call) and call.func is parent:
                key = call.args[0] if call.args else None
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    return (*path, key.value), True, call
                return tuple(path), True, call
            if parent.attr in _MAPPING_METHODS or parent.attr.startswith("__") or \
                    not isinstance(parent.ctx, ast.Load):
                return tuple(path), False, current
            path.append("." + parent.attr)
            current = parent
            continue
        return tuple(path), False, current


def _receivers(call: ast.Call, argument: ast.AST, function: Any, owner: type | None) -> Iterator[tuple[Any, str]]:
    callee = resolve_callee(call.func, function, owner)
    if callee is None:
        return
    positional = positional_parameters(call, callee, owner)
    for position, value in enumerate(call.args):
        if value is argument and position < len(positional):
            yield callee, positional[position]
    for keyword in call.keywords:
        if keyword.value is argument and keyword.arg:
            yield callee, keyword.arg


def project_configuration(reads: Reads, root: Path) -> list[Configuration] | tuple[str, str] | None:
    """The best sections of the project's configuration files for ``reads``, up to
    ``MAX_CONFIGURATIONS`` different ones, best first; else the keys the closest one lacks and
    where it is; None when no file has any key read."""
    best: list[tuple] = []
    closest: tuple | None = None
    wanted = reads.required | reads.optional
    for shown, data in loaded_files(root):
        for section, value in sections(data, ()):
            missing = [p for p in reads.required if not _has(value, p)]
            covered = sum(_has(value, p) for p in wanted)
            if not covered:
                continue
            key = (len(missing), -covered, for_testing(shown), len(shown), shown, len(section), section)
            if missing:
                if closest is None or key < closest[0]:
                    closest = (key, shown, section, missing)
            else:
                best.append((key, shown, section, value))
    if best:
        found: list[Configuration] = []
        for _, shown, section, value in sorted(best, key=lambda b: b[0]):
            if all(value != c.value for c in found):
                found.append(Configuration(as_settings(value), shown + (f", section {'.'.join(section)}"
                                                                         if section else "")))
            if len(found) == MAX_CONFIGURATIONS:
                break
        return found
    if closest is None:
        return None
    _, shown, section, missing = closest
    where = shown + (f" (section {'.'.join(section)})" if section else "")
    keys = ", ".join(sorted("".join(_shown_key(p) for p in path) for path in missing))
    return keys, where


def _shown_key(part: str) -> str:
    return f"[{part!r}]"


def _has(value: Any, path: KeyPath) -> bool:
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return True


def sections(data: Any, path: KeyPath) -> Iterator[tuple[KeyPath, dict]]:
    if not isinstance(data, dict):
        return
    yield path, data
    if len(path) < SECTION_DEPTH:
        for key, value in data.items():
            if isinstance(key, str) and isinstance(value, dict):
                yield from sections(value, (*path, key))


def as_settings(value: Any) -> Any:
    if isinstance(value, dict):
        return Settings({k: as_settings(v) for k, v in value.items()})
    if isinstance(value, list):
        return [as_settings(v) for v in value]
    return value


def loaded_files(root: Path) -> Iterator[tuple[str, Any]]:
    """The project's YAML, JSON and TOML files that load, then the configuration objects its
    Python modules define (``netlint.arguments.config_modules``), each as the report shows
    where it is ("configs/train.yaml", "lib/config/default.py's _C") with its data, in a
    stable order (not those of a project of its own in a folder below)."""
    data_files = list(loaded_data_files(root))
    objects = configuration_objects(root)
    yield from data_files
    for file, name, value in objects:
        yield f"{display_path(file)}'s {name}", value
    for file, name, value in objects:  # a yacs defaults module merged with an experiment's YAML
        if len(value) >= MIN_DEFAULTS_KEYS:
            for shown, data in data_files:
                if data and set(data) <= set(value):
                    yield f"{shown} over {display_path(file)}'s {name}", merged(value, data)


MIN_DEFAULTS_KEYS = 3  # an object of defaults that files override: a few sections at least


def merged(defaults: dict, overrides: dict) -> dict:
    """``cfg.merge_from_file(path)``: the file's values over the defaults, section by section."""
    result = dict(defaults)
    for key, value in overrides.items():
        result[key] = merged(result[key], value) if isinstance(value, dict) and isinstance(result.get(key), dict) \
            else value
    return result


# Parameters that say where a model runs: netlint builds on the meta device, so the CPU.
_DEVICE_FLAGS = {"use_cuda", "cuda", "use_gpu", "gpu", "on_gpu", "is_cuda"}
_DEVICE_LISTS = {"device_ids", "gpu_ids", "gpus", "devices", "device"}


@dataclass(frozen=True)
class ConfiguredCall:
    kwargs: dict[str, Any]
    where: str  # "configs/config.yaml, section netG"
    guessed: tuple[str, ...]  # the other parameters, guessed


def configured_calls(factory: Any, required: list[str], configs: dict[str, Reads],
                    root: Path) -> tuple[list[ConfiguredCall], str]:
    """The calls with each configuration from the project's files (the best first; with
    several configuration parameters, their n-th best together) and the other required
    parameters guessed (a device flag False, device ids None); or none and why not."""
    from netlint.arguments.guessed import guess

    candidates: dict[str, list[Configuration]] = {}
    for name, reads in configs.items():
        found = project_configuration(reads, root)
        if not isinstance(found, list):
            return [], (f"its constructor reads {found[0]} of its configuration {name!r}, which no configuration "
                        f"file of the project has (the closest: {found[1]})" if found else "")
        candidates[name] = found
    others = [n for n in required if n not in configs]
    devices = {n: (False if n.lower() in _DEVICE_FLAGS else None) for n in others
               if n.lower() in _DEVICE_FLAGS | _DEVICE_LISTS}
    guessed, missing = guess(factory, [n for n in others if n not in devices])
    if missing is not None:
        return [], ""
    calls = []
    for k in range(max(len(found) for found in candidates.values())):
        chosen = {name: found[min(k, len(found) - 1)] for name, found in candidates.items()}
        calls.append(ConfiguredCall({**{n: c.value for n, c in chosen.items()}, **guessed, **devices},
                                    " and ".join(dict.fromkeys(c.where for c in chosen.values())),
                                    tuple([*guessed, *devices])))
    return calls, ""
