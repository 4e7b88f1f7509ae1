"""The configuration objects a project's Python modules define at their top level, read as
netlint reads argparse defaults: definitions only, no work run.

- yacs: ``_C = CN()``, ``_C.MODEL = CN()``, ``_C.MODEL.NUM_CLASSES = 19``, ``cfg = _C``;
- EasyDict and its kind (``edict()``, ``AttrDict()``, ``ConfigDict()``, ``Munch()``, ``Box()``);
- a dict named as a configuration (``config = {'model': {...}}``, ``cfg = dict(...)``);
- what a function without parameters returns, made the same way (ml_collections' ``def
  get_b16_config(): config = ml_collections.ConfigDict(); config.hidden_size = 768; ...;
  return config``; one that starts from another, ``config = get_b16_config()``).

Only the module's top-level assignments run, each alone, with the configuration classes
replaced by a dict that answers attribute access (whether yacs or easydict is installed
or not) and only pure built-ins (``int``, ``len``, ``range``...): one that reads a file, an
environment variable or the command line is left. The ``update_config(cfg, args)`` a
script calls is not run: the defaults are what the module says."""

from __future__ import annotations

import ast
import builtins
import copy
import re
from pathlib import Path
from typing import Any

from netlint.arguments.options import OPTION_NAMES, PURE_FUNCTIONS, PURE_METHODS
from netlint.project import in_other_project, python_files
from netlint.source import read_source

MAX_FILES = 2000
CONFIG_MODULES = ("yacs", "easydict", "attrdict", "ml_collections", "addict", "munch", "box", "fvcore", "detectron2")
CONFIG_CLASSES = {"CN", "CfgNode", "EasyDict", "edict", "AttrDict", "ConfigDict", "Dict", "Munch", "Box",
                  "ConfigBox", "DotMap"}
_MENTIONS = re.compile(r"^\s*(from|import)\s+(%s)\b|^(%s)\s*=\s*(\{|dict\()" % (
    "|".join(CONFIG_MODULES), "|".join(sorted(OPTION_NAMES))), re.MULTILINE | re.IGNORECASE)


class Settings(dict):
    """A configuration read by key or as attributes (``cfg.MODEL.NAME``), as yacs' CfgNode
    and EasyDict are."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __deepcopy__(self, memo):
        return Settings({k: copy.deepcopy(v, memo) for k, v in self.items()})

    def clone(self) -> Settings:  # yacs' CfgNode.clone()
        return copy.deepcopy(self)


def _make(*args: Any, **kwargs: Any) -> Settings:
    """``CN()``, ``CN(new_allowed=True)``, ``edict({'a': 1})``: a node with the mapping given."""
    data = args[0] if args and isinstance(args[0], dict) else {}
    if kwargs.keys() <= {"new_allowed", "init_dict", "key_list"}:
        data = kwargs.get("init_dict") or data
        kwargs = {}
    return Settings({**_nodes(data), **_nodes(kwargs)})


def _nodes(value: Any) -> Any:
    if isinstance(value, dict):
        return Settings({k: _nodes(v) for k, v in value.items()})
    return value


class _ConfigModule:
    """``import easydict`` then ``easydict.EasyDict()``: any of its classes makes a node."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self if name[:1].islower() else _make


_cache: dict[tuple[str, int, int], list[tuple[str, dict]]] = {}


def configuration_objects(root: Path) -> list[tuple[Path, str, dict]]:
    """(file, name, value) for each configuration object a Python module of the project
    defines at its top level, in a stable order; of two names for one object (``cfg = _C``),
    the public one."""
    found: list[tuple[Path, str, dict]] = []
    for i, file in enumerate(python_files(root)):
        if i == MAX_FILES:
            break
        if in_other_project(file, root):
            continue
        found += [(file, name, value) for name, value in _module_objects(file)]
    return found


def _module_objects(file: Path) -> list[tuple[str, dict]]:
    try:
        stat = file.stat()
        key = (str(file), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return []
    if key not in _cache:
        _cache[key] = _read(file)
    return _cache[key]


def _read(file: Path) -> list[tuple[str, dict]]:
    try:
        text = read_source(file)
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    if not _MENTIONS.search(text):
        return []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    scope: dict[str, Any] = {"__builtins__": {n: getattr(builtins, n) for n in PURE_FUNCTIONS if hasattr(builtins, n)}}
    makers = _bind_imports(tree, scope)
    if not makers and not any(_assigns_named_dict(s) for s in tree.body):
        return []
    _run(tree.body, makers, scope, scope, file)
    made = dict(scope)
    for function in tree.body:  # ``def get_b16_config(): config = ConfigDict(); ...; return config``
        if isinstance(function, ast.FunctionDef) and not _takes_arguments(function) and function.body and \
                isinstance(function.body[-1], ast.Return) and isinstance(function.body[-1].value, ast.Name):
            local: dict[str, Any] = {}
            _run(function.body, makers | _functions(scope), scope, local, file)
            value = local.get(function.body[-1].value.id)
            if isinstance(value, Settings):
                made[f"{function.name}()"] = value
                scope[function.name] = lambda value=value: copy.deepcopy(value)
    found: dict[int, tuple[str, dict]] = {}
    for name, value in made.items():
        if name == "__builtins__" or not isinstance(value, dict) or not value:
            continue
        if not isinstance(value, Settings) and (name.lower() not in OPTION_NAMES or
                                             all(isinstance(v, (list, tuple)) for v in value.values())):
            continue  # a dict not named as a configuration, or a table of layer lists (``cfg = {'A': [64, 'M']}``)
        if not isinstance(value, Settings):
            value = _nodes(value)
        previous = found.get(id(value))
        if previous is None or (previous[0].startswith("_") and not name.startswith("_")):
            found[id(value)] = (name, value)
    return sorted(found.values(), key=lambda item: (item[0].startswith("_"), item[0]))


def _run(body: list[ast.stmt], makers: set[str], scope: dict[str, Any], local: dict[str, Any], file: Path) -> None:
    """The pure assignments of a block, each alone; one that fails (it needs what was left: a
    path, a file read) is left too."""
    for statement in body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and _pure(statement, makers):
            try:
                exec(compile(ast.Module(body=[statement], type_ignores=[]), str(file), "exec"), scope, local)
            except Exception:
                continue


def _takes_arguments(function: ast.FunctionDef) -> bool:
    arguments = function.args
    return bool(arguments.posonlyargs or arguments.args or arguments.kwonlyargs or arguments.vararg
                or arguments.kwarg)


def _functions(scope: dict[str, Any]) -> set[str]:
    """The module's configuration functions read so far (``get_r50_b16_config`` calls ``get_b16_config()``)."""
    return {name for name, value in scope.items() if getattr(value, "__name__", "") == "<lambda>"}


def _bind_imports(tree: ast.Module, scope: dict[str, Any]) -> set[str]:
    """Bind the configuration classes the module imports (``from yacs.config import CfgNode as
    CN``, ``import easydict``) to the node maker; the names bound."""
    bound: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module and \
                statement.module.split(".")[0] in CONFIG_MODULES:
            for alias in statement.names:
                if alias.name in CONFIG_CLASSES:
                    scope[alias.asname or alias.name] = _make
                    bound.add(alias.asname or alias.name)
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.name.split(".")[0] in CONFIG_MODULES:
                    name = alias.asname or alias.name.split(".")[0]
                    scope[name] = _ConfigModule()
                    bound.add(name)
    return bound


def _assigns_named_dict(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id.lower() in OPTION_NAMES
                                                     for t in statement.targets) and \
        isinstance(statement.value, (ast.Dict, ast.Call))


def _pure(statement: ast.stmt, makers: set[str]) -> bool:
    """Only the configuration classes, pure built-ins and pure methods are called."""
    for node in ast.walk(statement):
        if isinstance(node, ast.Call):
            func = node.func
            root = func
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(func, ast.Name) and (func.id in makers or func.id in PURE_FUNCTIONS):
                continue
            if isinstance(root, ast.Name) and root.id in makers:
                continue
            if isinstance(func, ast.Attribute) and func.attr in PURE_METHODS:
                continue
            return False
        elif isinstance(node, (ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr, ast.Lambda)):
            return False
    return True
