"""Keyword arguments from a section of the project's configuration files that names the class,
as registry-based projects build their networks: BasicSR and its descendants
(``network_g: {type: RetinexFormer, in_channels: 3, n_feat: 40}``, the class registered by
``@ARCH_REGISTRY.register()``), KAIR (``"netG": {"net_type": "swinir", "upscale": 2}``),
mmcv-style (``backbone: {type: ResNet, depth: 50}``), Hydra (``_target_: models.unet.UNet``).

A section names the class by its ``type``, ``arch``, ``net_type``, ``which_model``,
``_target_`` or ``name`` key (``name`` only in a section of plain values or a registry spec:
an experiment's name is not a class's): the class's name (case and underscores aside), or a
key the project registers it under (``@ARCH_REGISTRY.register('swinir')``, a table
``{'swinir': SwinIR}``, a branch ``if net_type == 'swinir':`` that uses the class, as a
factory reads it: ``def make_generator(kind, **kwargs): if kind == 'ffc_resnet': return
FFCResNetGenerator(**kwargs)``). Any other key names the class too when its value is one of
those and most of the section's other keys are the constructor's parameters (Hydra's ``kind:
ffc_resnet``). And a section that names nothing the project registers, whose keys are mostly
the constructor's parameters and hold all its required ones, is an argument set for the class
whatever it names (tried after the sections that name it).

The section's other keys are the keyword arguments (nested sections passed as dicts:
``init_conv_kwargs: {ratio_gin: 0}``); those the constructor does not take are dropped, unless
it takes ``**kwargs``. A registry spec (``{name: liif, args: {encoder_spec: {name: edsr, args:
{...}}}}``, read by the project's ``models.make(spec)``) gives the keys of its ``args``
(``kwargs``, ``params``), nested specs passed as they are. The files for training come first
(a path that says ``train``), those for testing, validation or demos last, then a file that is
the section (a Hydra group's file: ``generator/ffc_resnet_075.yaml``) before sections inside
larger files (an experiment's overrides), then by path; the first few different calls are
tried."""

from __future__ import annotations

import ast
import functools
import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netlint.arguments.config_data import for_testing
from netlint.arguments.config_files import as_settings, key_reads, loaded_files, sections
from netlint.arguments.config_modules import Settings
from netlint.arguments.options import OPTION_NAMES
from netlint.arguments.project_text import file_text, file_tree, project_python_files
from netlint.paths import display_path
from netlint.source import version

NAMING_KEYS = ("type", "arch", "net_type", "which_model", "_target_", "name")
SPEC_ARGUMENTS = ("args", "kwargs", "params")
MAX_CALLS = 3


@dataclass(frozen=True)
class NamedCall:
    kwargs: dict[str, Any]
    where: str  # "options/train/train_SRNet_x4.yml, section network_g"


def named_calls(factory: Any, class_name: str, root: Path) -> list[NamedCall]:
    """The calls the project's configuration sections that name the class make, best first."""
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return []
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters)
    accepted = {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    required = {p.name for p in parameters if p.default is p.empty
                and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    names = {_plain(class_name)} | registered_keys(root, class_name)
    whole = _whole_config_parameters(factory, parameters)
    found: list[tuple[tuple, NamedCall]] = []
    for shown, data in loaded_files(root):
        for path, section in sections(data, ()):
            key = _naming_key(section, path, names) or _other_naming_key(section, names, accepted)
            if key is None and (not _fits(section, accepted, required) or any(
                    _plain(v) in registry_keys(root) - names for v in section.values() if isinstance(v, str))):
                continue
            given = section[_spec_arguments(section)] if key is not None and _spec_arguments(section) else \
                {k: v for k, v in section.items() if k != key}
            kwargs = {k: as_settings(v) for k, v in given.items() if isinstance(k, str)
                      and k.isidentifier() and (takes_any or k in accepted)}
            if not required <= set(kwargs):
                continue
            given_whole = [n for n in whole if n not in kwargs] if path else []
            kwargs.update({n: _whole_file(data, root) for n in given_whole})  # LLFlow(..., opt=opt): the file's root
            where = shown + (f", section {'.'.join(path)}" if path else "") + \
                ("" if key else ", its keys the constructor's parameters") + \
                (f", {' and '.join(given_whole)} the whole file" if given_whole else "")
            found.append(((key is None, _rank(shown, root), len(path), shown, path), NamedCall(kwargs, where)))
    calls: list[NamedCall] = []
    for _, call in sorted(found, key=lambda f: f[0]):
        if all(call.kwargs != c.kwargs for c in calls):
            calls.append(call)
        if len(calls) == MAX_CALLS:
            break
    return calls


def _whole_config_parameters(factory: Any, parameters: Any) -> list[str]:
    """The options parameters defaulting to None that the constructor reads by key
    (``opt['network_G']['flow']``, ``opt_get(opt, [...])``'s callee aside): given the whole
    configuration file besides its section's keyword arguments."""
    return [p.name for p in parameters if p.default is None and p.name.lower() in OPTION_NAMES
            and (reads := key_reads(factory, p.name)) is not None and reads.keyed and reads.required]


class _NoneForMissing(Settings):
    """The project's options as its loader gives them: a key the file lacks reads as None
    (BasicSR/mmsr-style ``dict_to_nonedict``)."""

    def __missing__(self, key: Any) -> None:
        return None


def _whole_file(data: Any, root: Path) -> Any:
    """The loaded file as its project's loader gives it to the constructor."""
    if not _none_for_missing(root):
        return as_settings(data)

    def converted(value: Any) -> Any:
        if isinstance(value, dict):
            return _NoneForMissing({k: converted(v) for k, v in value.items()})
        return [converted(v) for v in value] if isinstance(value, list) else value
    return converted(data)


_NONE_FOR_MISSING = re.compile(r"def __missing__\(self, \w+\):\s*return None")


@functools.lru_cache(maxsize=16)
def _none_for_missing(root: Path) -> bool:
    """Whether the project defines a mapping whose missing keys read as None."""
    return any("__missing__" in file_text(f) and _NONE_FOR_MISSING.search(file_text(f))
               for f in project_python_files(root))


def _naming_key(section: dict, path: tuple[str, ...], names: set[str]) -> str | None:
    for key in NAMING_KEYS:
        value = section.get(key)
        if not isinstance(value, str):
            continue
        if key == "name" and (not path or any(isinstance(v, dict) for v in section.values())) \
                and not _spec_arguments(section):
            continue  # an experiment's name, with its sections
        if _plain(value.rpartition(".")[2] if key == "_target_" else value) in names:
            return key
    return None


def _spec_arguments(section: dict) -> str | None:
    """The key of a registry spec's arguments (``{name: edsr, args: {n_feats: 64}}``, also
    ``kwargs``, ``params``): the section's only section, beside plain values."""
    inner = [k for k, v in section.items() if isinstance(v, dict)]
    return inner[0] if len(inner) == 1 and inner[0] in SPEC_ARGUMENTS else None


def _other_naming_key(section: dict, names: set[str], accepted: set[str]) -> str | None:
    """A key that is not a parameter whose value names the class (``kind: ffc_resnet``), the
    section's other keys mostly the constructor's parameters."""
    for key, value in section.items():
        if isinstance(key, str) and key not in accepted and isinstance(value, str) and _plain(value) in names:
            rest = [k for k in section if k != key]
            if 2 * sum(k in accepted for k in rest) >= len(rest):
                return key
    return None


def _fits(section: dict, accepted: set[str], required: set[str]) -> bool:
    """Whether the section's keys are an argument set for the constructor: its required
    parameters all there (at least one), at least three of its parameters, and three keys
    in four its parameters."""
    keys = [k for k in section if isinstance(k, str)]
    matched = sum(k in accepted for k in keys)
    return bool(required) and required <= set(keys) and matched >= 3 and 4 * matched >= 3 * len(keys)


def _rank(shown: str, root: Path) -> int:
    """Training configurations first, testing and demos last (by the path inside the project)."""
    inside = shown.removeprefix(display_path(root) + "/") if Path(shown).is_absolute() else shown
    if any(w.startswith("train") for w in re.split(r"[^a-z0-9]+", inside.lower())):
        return 0
    return 2 if for_testing(inside) else 1


def _plain(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@functools.lru_cache(maxsize=256)
def registered_keys(root: Path, class_name: str) -> frozenset[str]:
    """The keys the project's code registers the class under, plain: a registering decorator's
    string (``@register('swinir')``, ``register_module(name='swinir')``), a table entry
    (``{'swinir': SwinIR}``), a branch on a string that uses the class (``if net_type ==
    'swinir': from models.network_swinir import SwinIR as net``)."""
    files = [f for f in project_python_files(root) if class_name in file_text(f)]
    return frozenset().union(*(_registrations(f, version(f)).get(class_name, frozenset()) for f in files))


@functools.lru_cache(maxsize=4)
def registry_keys(root: Path) -> frozenset[str]:
    """Every key the project's code registers a class under (a name that starts with a capital)."""
    return frozenset().union(*(keys for f in project_python_files(root) for name, keys
                               in _registrations(f, version(f)).items() if name[:1].isupper()))


@functools.lru_cache(maxsize=2048)
def _registrations(file: Path, _version: tuple) -> dict[str, frozenset[str]]:
    """Name used by a registration of the file -> the plain keys it is registered under."""
    found: dict[str, set[str]] = {}
    tree = file_tree(file)
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.ClassDef):
            keys = {s for d in node.decorator_list if isinstance(d, ast.Call) for s in _strings(d)}
            if keys:
                found.setdefault(node.name, set()).update(keys)
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    for name in _used_names(v):
                        found.setdefault(name, set()).add(k.value)
        elif isinstance(node, ast.If):
            compared = _compared_strings(node.test)
            if compared:
                for name in set().union(*(_used_names(s) for s in node.body)):
                    found.setdefault(name, set()).update(compared)
    return {name: frozenset(_plain(k) for k in keys if k) for name, keys in found.items()}


def _strings(call: ast.Call) -> set[str]:
    values = [*call.args[:1], *(k.value for k in call.keywords if k.arg in ("name", "key", "module_name"))]
    return {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}


def _used_names(node: ast.AST) -> set[str]:
    """The names the node uses: by name, as an attribute, or imports."""
    found: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
        elif isinstance(child, ast.ImportFrom):
            found |= {a.name for a in child.names}
    return found


def _compared_strings(test: ast.expr) -> set[str]:
    """``net_type == 'swinir'``, ``arch in ('a', 'b')``, joined by ``or``."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return set().union(*(_compared_strings(v) for v in test.values))
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.In))):
        return set()
    found: set[str] = set()
    for side in (test.left, test.comparators[0]):
        elements = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
        found |= {e.value for e in elements if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    return found
