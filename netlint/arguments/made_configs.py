"""Configuration objects the project's code makes, for a constructor parameter that takes one
(``config``, ``cfg``, ``hparams``, ``args``...), in order:

- an object of the model's module under the parameter's name (``from config import cfg``);
- an entry of a table of configurations (``CONFIGS = {'ViT-B_16': configs.get_b16_config(), ...}``
  with ``VisionTransformer(CONFIGS[args.model_type])``): of the model's module, or of a project
  module it imports;
- what a zero-argument function of the project named for configurations returns
  (``get_config()``, ``configs.get_b16_config()``), when it reads no command line and no file.

A dict, an EasyDict, a SimpleNamespace, an ml_collections ``ConfigDict`` (a stand-in when not
installed, which keeps what the code stores on it), an instance of a class of the project: all
are configurations. Among several, the first is the one the project's scripts name as a default
(``parser.add_argument('--model_type', default='ViT-B_16')``, ``def main(config='small')``),
else the table's first. Netlint's inference: a configuration that does not build is a skip."""

from __future__ import annotations

import ast
import collections.abc
import inspect
import sys
import types
from pathlib import Path
from typing import Any

from netlint.arguments.code_hints import Hint
from netlint.arguments.parser_defaults import UNKNOWN, argparse_defaults, script_defaults, static_value
from netlint.arguments.project_text import file_text, file_tree, is_project_file_module, project_python_files
from netlint.paths import display_path
from netlint.source import parse_function
from netlint.project import project_root

MAX_CONFIGS = 2  # a table's entries tried: the chosen one and one other (large models take long)
CONFIG_WORDS = {"config", "configs", "cfg", "cfgs", "conf", "configuration", "params", "hparams", "hp", "hps",
                "hyperparams", "settings", "args", "opt", "opts", "options", "setting", "arch", "spec"}
_READS_OUTSIDE = {"parse_args", "parse_known_args", "open", "input", "load", "safe_load", "read_text", "urlopen"}


def is_config_parameter(name: str) -> bool:
    words = set(name.lower().strip("_").split("_")) | {name.lower().strip("_")}
    return bool(words & CONFIG_WORDS)


def made_configs(factory: Any, name: str, namespace: dict[str, Any]) -> Hint | None:
    """The configurations the project's code makes for the parameter ``name`` of ``factory``."""
    path = _file_of(factory)
    if path is None or not is_config_parameter(name):
        return None
    own = namespace.get(name)
    if _is_config(own):
        return Hint((own,), f"the configuration {name} of {_shown(path)}", (name,))
    return table_configs(factory, name, namespace) or _function_configs(namespace, script_defaults(project_root(path)))


def table_configs(factory: Any, name: str, namespace: dict[str, Any]) -> Hint | None:
    """The entries of a table of configurations (``CONFIGS[...]``) for ``name``, the one the
    project's scripts choose first, with what they set on it."""
    path = _file_of(factory)
    if path is None or not is_config_parameter(name):
        return None
    defaults = script_defaults(project_root(path))
    for table_name, table, where in _tables(namespace):
        keys = sorted(table, key=lambda k: defaults.index(k) if k in defaults else len(defaults))[:MAX_CONFIGS]
        chosen = f"; {keys[0]!r} a default of the project's scripts" if keys[0] in defaults else ""
        settings = [_apply(table[k], script_settings(table_name.rpartition(".")[2], k, project_root(path)))
                    for k in keys]
        told = next((f"; then set as {s} sets it" for s in settings if s), "")
        return Hint(tuple(table[k] for k in keys), f"the entries of {table_name} ({where}{chosen}{told})",
                    tuple(f"{table_name}[{k!r}]" for k in keys))
    return None


def _function_configs(namespace: dict[str, Any], defaults: tuple[str, ...]) -> Hint | None:
    made = _from_functions(namespace, defaults)
    if made:
        return Hint(tuple(v for _, v in made), "what the project's configuration functions return",
                    tuple(f"{text}()" for text, _ in made))
    return None


def script_settings(table: str, key: str, root: Path) -> list[tuple[tuple[str, ...], Any, str]]:
    """What the project's scripts set on the entry ``key`` of ``table`` after taking it
    (``config = CONFIGS[args.vit_name]; config.n_skip = args.n_skip; if 'R50' in args.vit_name:
    config.patches.grid = (14, 14)``), with the scripts' argparse defaults: (attributes, value, where)."""
    found: list[tuple[tuple[str, ...], Any, str]] = []
    for file in sorted(project_python_files(root), key=lambda f: f.name.startswith("test")):
        if found or table not in file_text(file):
            continue
        tree = file_tree(file)
        if tree is None:
            continue
        names = {table} | {a.asname for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                           for a in n.names if a.name == table and a.asname}
        defaults = argparse_defaults(tree)
        bodies = [getattr(n, block) for n in ast.walk(tree) for block in ("body", "orelse", "finalbody")
                  if isinstance(getattr(n, block, None), list)]  # every block: a function's, a __main__ guard's
        for body in bodies:
            found += _set_after_taking(body, names, key, defaults, _shown(file))
    return found


def _set_after_taking(body: list[ast.stmt], tables: set[str], key: str, defaults: dict[str, Any],
                      where: str) -> list[tuple[tuple[str, ...], Any, str]]:
    found: list[tuple[tuple[str, ...], Any, str]] = []
    holder: str | None = None
    for statement in body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.Subscript) \
                and isinstance(statement.value.value, ast.Name) and statement.value.value.id in tables:
            taken = static_value(statement.value.slice, defaults)
            holder = statement.targets[0].id if taken == key else None
        elif holder is not None:
            found += _settings(statement, holder, defaults, where)
    return found


def _settings(statement: ast.stmt, holder: str, defaults: dict[str, Any],
              where: str) -> list[tuple[tuple[str, ...], Any, str]]:
    """``holder.a.b = value`` (a value the scripts' defaults make known), also under an ``if``
    whose test they decide."""
    if isinstance(statement, ast.If):
        test = static_value(statement.test, defaults)
        if test is UNKNOWN:
            return []
        return [s for inner in (statement.body if test else statement.orelse)
                for s in _settings(inner, holder, defaults, where)]
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
        return []
    attributes: list[str] = []
    node = statement.targets[0]
    while isinstance(node, ast.Attribute):
        attributes.insert(0, node.attr)
        node = node.value
    value = static_value(statement.value, defaults)
    if not (isinstance(node, ast.Name) and node.id == holder and attributes) or value is UNKNOWN:
        return []
    return [(tuple(attributes), value, f"{where}:{statement.lineno}")]


def _apply(config: Any, settings: list[tuple[tuple[str, ...], Any, str]]) -> str:
    """Sets them on the configuration; where the first was set, "" when nothing was."""
    applied = ""
    for attributes, value, where in settings:
        owner = config
        try:
            for attribute in attributes[:-1]:
                owner = getattr(owner, attribute)
            if isinstance(owner, collections.abc.MutableMapping) and not hasattr(owner, attributes[-1]):
                owner[attributes[-1]] = value
            else:
                setattr(owner, attributes[-1], value)
        except (AttributeError, TypeError, KeyError):
            continue
        applied = applied or where
    return applied




def _tables(namespace: dict[str, Any]) -> list[tuple[str, dict, str]]:
    """The dicts of configurations (name, table, where): the model's module's, then those of the
    project modules it imports; names that say "config" first."""
    found: list[tuple[str, dict, str]] = []
    for scope, prefix in [(namespace, ""), *((vars(m), f"{n}.") for n, m in _project_modules(namespace))]:
        for key, value in list(scope.items()):
            if isinstance(value, dict) and value and all(isinstance(k, str) for k in value) \
                    and all(_is_config(v) for v in value.values()) and not key.startswith("_"):
                found.append((f"{prefix}{key}", value, _shown(Path(scope.get("__file__") or "?"))))
    return sorted(found, key=lambda t: not is_config_parameter(t[0].rpartition(".")[2]))


def _from_functions(namespace: dict[str, Any], defaults: tuple[str, ...]) -> list[tuple[str, Any]]:
    """(how the code names it, what it returns) for the zero-argument functions of the project
    named for configurations, those named like a default of the scripts first."""
    functions: list[tuple[str, Any]] = []
    for scope, prefix in [(namespace, ""), *((vars(m), f"{n}.") for n, m in _project_modules(namespace))]:
        for key, value in list(scope.items()):
            if inspect.isfunction(value) and is_config_parameter(_words_name(key)) and _project_function(value) \
                    and not _needs_arguments(value) and not _reads_outside(value):
                functions.append((f"{prefix}{key}", value))
    functions.sort(key=lambda f: not any(d and d.lower().replace("-", "_") in f[0].lower() for d in defaults))
    made: list[tuple[str, Any]] = []
    for text, function in functions:
        if len(made) == MAX_CONFIGS:
            break
        try:
            value = function()
        except (Exception, SystemExit):  # noqa: BLE001 — the project's code: a function that fails is no source
            continue
        if _is_config(value):
            made.append((text, value))
    return made


def _words_name(name: str) -> str:
    """``get_b16_config`` → ``config``: the word of a function's name that says what it makes."""
    words = name.lower().split("_")
    return next((w for w in words if w in CONFIG_WORDS - {"args", "opt", "opts", "options", "arch", "spec"}), "")


def _project_modules(namespace: dict[str, Any]) -> list[tuple[str, types.ModuleType]]:
    return [(n, m) for n, m in namespace.items() if isinstance(m, types.ModuleType) and is_project_file_module(m)]


def _project_function(function: Any) -> bool:
    from netlint.user_code import is_library_file

    try:
        return not is_library_file(inspect.getsourcefile(function) or "")
    except TypeError:
        return False


def _needs_arguments(function: Any) -> bool:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters)


def _reads_outside(function: Any) -> bool:
    """Whether it parses the command line or reads a file: not a configuration to make here."""
    try:
        tree = parse_function(function)
    except (OSError, TypeError, SyntaxError, IndentationError, ValueError):
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in _READS_OUTSIDE:
                return True
    return False


def _is_config(value: Any) -> bool:
    """A configuration object: a mapping, a namespace, a stand-in the code stored values on, an
    instance of a class of the project that is not a model."""
    from torch import nn

    from netlint.load.stand_ins import StandInMeta

    if isinstance(value, StandInMeta):
        return "stored_items" in vars(value)
    if isinstance(value, collections.abc.Mapping):
        return bool(value) and all(isinstance(k, str) for k in value)
    if isinstance(value, types.SimpleNamespace):
        return True
    if value is None or isinstance(value, (str, bytes, int, float, bool, list, tuple, set, nn.Module)) \
            or inspect.isclass(value) or inspect.isroutine(value) or inspect.ismodule(value):
        return False
    module = sys.modules.get(type(value).__module__)
    return hasattr(value, "__dict__") and module is not None and is_project_file_module(module)


def _file_of(factory: Any) -> Path | None:
    try:
        return Path(inspect.getsourcefile(getattr(factory, "__func__", factory)) or "")
    except TypeError:
        return None


def _shown(path: Path) -> str:
    return display_path(path)
