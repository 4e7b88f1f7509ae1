"""How the project's own code builds a model class, read with ``ast`` only: the file's
zero-argument factories (``def resnet18(**kw): return ResNet(...)``, found by
``class_scan.factories``) and the class's zero-argument classmethod constructors; the
zero-argument factories of the project's files that import the class (``modeling.py``'s
``deeplabv3_resnet50()``, through its helpers); then its calls (of the class, of those
factories and of its classmethod constructors, ``Net.from_name('b0')``) with constant
arguments: in the file's ``if __name__ == "__main__":`` block, the rest of the file, the
project's tests, its other files (those that import the class from the model's file); last,
the calls with some arguments that are not constants (``Net(opt.ngf, n_blocks=3)``), to be
built with those left at their defaults. An attribute of what the file's ``parser.parse_args()``
gives (``args.start_iter``) is the file's argparse default for it, read with ``ast``. An
argument that builds or takes apart modules (``Encoder(64)``,
``nn.Sequential(*list(vgg.children())[:31])``, a module-level ``decoder`` of the model's
file) is kept as an expression, evaluated in the model's module when the model is built
(``ProjectCall``); nothing else of the project is ever called."""

from __future__ import annotations

import ast
import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netlint.arguments.call import dotted_name
from netlint.arguments.config_sections import section_arguments
from netlint.arguments.parser_defaults import argparse_defaults, script_defaults
from netlint.arguments.project_text import file_text, file_tree, python_scripts
from netlint.class_scan import (MODEL_WRAPPERS, TORCH_ROOTS, builds, factories, helpers_building, is_main_block,
                                module_classes, names_module_class)
from netlint.paths import display_path
from netlint.project import import_roots, project_root, skipped_dir
from netlint.target import CodeArguments

MAX_FILES = 5000
TENSOR_CONSTRUCTORS = {"randn", "rand", "zeros", "ones", "empty", "randint"}


class _Dotted(str):
    """A dotted name kept as written (``nn.InstanceNorm2d``), resolved in the model's module."""

    def __repr__(self) -> str:
        return str(self)


class _Builder(_Dotted):
    """A name whose call builds modules: torch's, a module class of the model's file or a
    function of it that returns one, a class of the model's module named from another file."""


class _ProjectModule(_Dotted):
    """A module of the project other than the model's, as the calling file names it
    (``modules`` in ``from models import modules``): its module classes and the functions
    returning one are builders (``modules.E_resnet(original_model)``)."""

    file: Path


class _Module(_Dotted):
    """An expression of modules evaluated in the model's module when the model is built:
    ``decoder`` (a module-level object of the model's file), ``Encoder()``,
    ``nn.Sequential(*list(vgg.children())[:31])``, ``backbone.layer4``."""


_UNKNOWN = object()
_MODEL_MODULE = object()  # the model's module, imported by another file (``import net``)
_DEFAULTS = "<argparse defaults>"  # the file's argparse defaults, among a scope's values
_PARSERS = "<parsing functions>"  # the project's functions that return parsed options, among a scope's values


class _ParsedOptions(dict):
    """What the file's ``parser.parse_args()`` gives run without arguments: its defaults."""


class _LoadedConfig(tuple):
    """A configuration file the code loads (``config = yaml.load(f)``), or the section at this
    key path of it (``config['model_params']``): its sections passed as ``**`` keyword arguments
    are those of the project's configuration files."""


# what loads a configuration file, and what wraps a loaded one without changing its keys
_CONFIG_LOADERS = {"load", "safe_load", "full_load", "unsafe_load", "load_config", "load_yaml", "read_yaml"}
_CONFIG_LOADER_MODULES = {"yaml", "json", "toml", "tomllib", "OmegaConf", "oyaml", "ruamel"}
_CONFIG_WRAPPERS = {"EasyDict", "edict", "AttrDict", "Munch", "munchify", "DotMap", "ConfigDict", "create",
                    "Box", "dict", "DictConfig"}
_MODULE_METHODS = {"children", "modules", "named_children", "named_modules"}
_MODULE_BUILTINS = {"list", "tuple", "reversed"}


def arguments_from_code(path: Path, class_name: str, root: Path | None) -> list[CodeArguments]:
    """The calls, best first; with no ``root``, those of the class's own file only."""
    path = path.resolve()
    found: list[CodeArguments] = []
    tree = file_tree(path)
    constructors: dict[str, tuple[list[str], int]] = {}
    if tree is not None:
        own_factories = _returning_the_class(tree.body, class_name, False)
        cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name), None)
        constructors = _returning_the_class(cls.body, class_name, True) if cls else {}
        shown = display_path(path)
        main = [s for s in tree.body if is_main_block(s)]
        own = _Callees({class_name}, set(), class_name, set(constructors), set(own_factories))
        calls = _calls(main, tree, path, own, own_file=True) + \
            _calls([s for s in tree.body if s not in main], tree, path, own, own_file=True)
        # a factory whose call of the class is all constants is that call, shown as written
        constant = {int(c.where.rpartition(":")[2]) for c in calls if not c.callee and not c.left_out}
        ranges = {f.name: range(f.lineno, (f.end_lineno or f.lineno) + 1) for f in tree.body
                  if isinstance(f, ast.FunctionDef)}
        found += [CodeArguments("", f"{shown}:{line}", callee=name)
                  for name, (required, line) in preferred(own_factories, class_name, path, root)
                  if not required and not constant & set(ranges.get(name, ()))]
        guessing = [CodeArguments("", f"{shown}:{line}", callee=name, guess=tuple(required))
                    for name, (required, line) in preferred(own_factories, class_name, path, root) if required]
        found += [CodeArguments("", f"{shown}:{line}", callee=f"{class_name}.{name}")
                  for name, (required, line) in constructors.items() if not required]
        found += calls
        found += guessing  # (after the calls: netlint's guesses)
    importers = list(_importers(path, class_name, root)) if root else []
    their_calls = [_calls(tree.body, tree, file, _Callees(names, prefixes, class_name, set(constructors),
                                                          objects=objects))
                   for file, tree, names, prefixes, objects in importers]
    for (file, tree, names, _prefixes, _objects), calls in zip(importers, their_calls):  # their factories
        constant = {int(c.where.rpartition(":")[2]) for c in calls if not c.callee and not c.left_out}
        ends = {f.name: range(f.lineno, (f.end_lineno or f.lineno) + 1) for f in tree.body
                if isinstance(f, ast.FunctionDef)}
        needed = _class_required(file_tree(path).body, class_name) if file_tree(path) else False
        theirs = {f.name: (list(f.required), f.line) for f in factories(tree.body, names).values()
                  if f.returns and not f.name.startswith("_") and not constant & set(ends.get(f.name, ()))
                  and not (f.forwards_only and needed)}
        found += [CodeArguments("", f"{display_path(file)}:{line}", callee=name, callee_file=str(file),
                                guess=tuple(required))  # (those that need arguments: guessed, after the calls)
                  for name, (required, line) in preferred(theirs, class_name, file, root)]
    for calls in their_calls:
        found += calls
    unique: dict[tuple, CodeArguments] = {}
    # the project's calls, then those with arguments left out, then the factories whose parameters are guessed;
    for call in sorted(found, key=lambda c: (bool(c.left_out or c.guess), bool(c.guess))):  # the first of each call
        key = (call.callee_file, call.callee, call.arguments)  # (or the first that also shows an input)
        if key not in unique or (call.inputs and not unique[key].inputs):
            unique[key] = call
    return list(unique.values())


def preferred(found: dict[str, tuple[list[str], int]], class_name: str, path: Path, root: Path | None
              ) -> list[tuple[str, tuple[list[str], int]]]:
    """Several factories of one class, the one to try first first: the factory the project's
    scripts name as a default (``parser.add_argument('--model', default='deeplabv3plus_mobilenet')``),
    then the one the project's other files call most, then one named like the class
    (``resnet`` for ``ResNet``), then the file's order."""
    if len(found) < 2 or root is None:
        return list(found.items())
    defaults = script_defaults(root.resolve())
    texts = [file_text(f) for f in _project_files(root.resolve()) if f != path.resolve()]
    calls = {name: sum(len(re.findall(rf"\b{re.escape(name)}\s*\(", t)) for t in texts if name in t)
             for name in found}
    plain = re.sub(r"[^a-z0-9]", "", class_name.lower())
    return sorted(found.items(), key=lambda item: (item[0] not in defaults, -calls[item[0]],
                                                   not re.sub(r"[^a-z0-9]", "", item[0].lower()).startswith(plain)))


def constructors_with_arguments(path: Path, class_name: str) -> dict[str, list[str]]:
    """The class's classmethod constructors that need arguments: name -> their names."""
    tree = file_tree(path.resolve())
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name), None) if tree else None
    found = _returning_the_class(cls.body, class_name, True) if cls else {}
    return {name: required for name, (required, _line) in found.items() if required}


def _returning_the_class(body: list[ast.stmt], class_name: str, methods: bool
                         ) -> dict[str, tuple[list[str], int]]:
    """The functions of ``body`` (with ``methods``: its classmethods and staticmethods) that
    return an instance of the class (``class_scan.factories``): name -> (required parameters, line)."""
    needed = _class_required(body, class_name)
    return {f.name: (list(f.required), f.line) for f in factories(body, {class_name}, methods).values()
            if class_name in f.returns and not (f.forwards_only and needed)}


def _class_required(body: list[ast.stmt], class_name: str) -> bool:
    """Whether the class of ``body`` needs arguments: a factory that only passes its keywords on
    (``def resnext(**kwargs): return CifarResNeXt(**kwargs)``) is then no call by itself; the
    class's own sources give them."""
    cls = next((n for n in body if isinstance(n, ast.ClassDef) and n.name == class_name), None)
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None) \
        if cls is not None else None
    if init is None:
        return False
    positional = init.args.posonlyargs + init.args.args
    return len(positional) - 1 > len(init.args.defaults) or None in init.args.kw_defaults


def built_inside(path: Path, class_name: str, root: Path) -> str | None:
    """Where another file of the project builds the class inside a model class of its own
    (a U-Net's ``Down(64, 128)`` blocks, from ``unet_parts.py``; ``common.BasicBlock(...)``;
    ``make_layer(Block, 2)``; through a function of that file that builds it): the class
    is a building block."""
    for file, tree, names, prefixes, _objects in _importers(path.resolve(), class_name, root):
        callees = _Callees(names, prefixes, class_name)
        helpers = helpers_building(tree.body, callees.is_class)
        for cls in module_classes(file).values():
            if cls.trains:  # a training wrapper holds models, not blocks
                continue
            found = next(filter(None, (builds(statement, lambda n: callees.is_class(n) or (
                isinstance(n, ast.Name) and n.id in helpers)) for statement in cls.node.body)), None)
            if found is not None:
                return f"{display_path(file)}:{found.lineno}"
    return None


def given_to_model(path: Path, class_name: str, root: Path) -> tuple[str, str] | None:
    """Where another file of the project gives the class to another class to build
    (``ResNet(BasicBlock, [2, 2])`` in a factory of ``zoo.py``), and that class's name."""
    for file, tree, names, prefixes, _objects in _importers(path.resolve(), class_name, root):
        callees = _Callees(names, prefixes, class_name)
        for node in ast.walk(tree):
            dotted = (dotted_name(node.func) or "") if isinstance(node, ast.Call) else ""
            callee = dotted.rpartition(".")[2]
            if callee[:1].isupper() and callee != class_name and any(
                    isinstance(a, (ast.Name, ast.Attribute)) and callees.is_class(a)
                    for a in [*node.args, *(k.value for k in node.keywords)]) and names_module_class(file, dotted):
                return f"{display_path(file)}:{node.lineno}", callee
    return None


TRAINED = {"parameters", "named_parameters", "load_state_dict", "state_dict", "train", "eval", "to", "cuda",
           "apply", "zero_grad"}  # what a script does to the model it trains, loads or evaluates
_PARALLEL = {"DataParallel", "DistributedDataParallel"}


def built_whole(path: Path, class_name: str, root: Path) -> str | None:
    """Where code outside every model class (a script's top level or ``__main__`` block, a
    function, a plain class's method, a training wrapper) builds the class and trains, loads
    or evaluates it (``model.parameters()`` to an optimizer, ``load_state_dict``, ``.eval()``,
    ``.to(device)``, ``DataParallel(model)``): a model of its own, also when another class
    wraps it. A block built only inside other modules is not."""
    path = path.resolve()
    own = file_tree(path)
    files = [(path, own, _Callees({class_name}, set(), class_name))] if own is not None else []
    files += [(file, tree, _Callees(names, prefixes, class_name))
              for file, tree, names, prefixes, _objects in _importers(path, class_name, root)]
    for file, tree, callees in files:
        models = {name for name, cls in module_classes(file).items() if not cls.trains}
        top = [s for s in tree.body if not isinstance(s, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))]
        scopes = [top] + [[s] for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                          or (isinstance(s, ast.ClassDef) and s.name not in models)]
        for scope in scopes:
            line = _trained_in(scope, callees)
            if line is not None:
                return f"{display_path(file)}:{line}"
    return None


def _trained_in(scope: list[ast.stmt], callees: _Callees) -> int | None:
    """The line of a call of the class in ``scope`` whose result is used as a model there."""
    nodes = [n for s in scope for n in ast.walk(s)]
    held: dict[str, int] = {}  # "model", "self.netG" -> the line that built it
    for node in nodes:
        if not isinstance(node, (ast.Assign, ast.Expr)) or not isinstance(node.value, ast.Call):
            continue
        value, used = node.value, False
        while isinstance(value, ast.Call):
            func = value.func
            if isinstance(func, ast.Attribute) and func.attr in MODEL_WRAPPERS:
                value, used = func.value, True  # Net(...).to(device)
            elif (dotted_name(func) or "").rpartition(".")[2] in _PARALLEL and value.args:
                value, used = value.args[0], True  # nn.DataParallel(Net(...))
            else:
                break
        if not (isinstance(value, ast.Call) and callees.is_class(value.func)):
            continue
        if used:
            return value.lineno
        for target in getattr(node, "targets", ()):
            held.setdefault(ast.unparse(target), value.lineno)
    for node in nodes:
        if isinstance(node, ast.Attribute) and node.attr in TRAINED and ast.unparse(node.value) in held:
            return held[ast.unparse(node.value)]
        if isinstance(node, ast.Call) and (dotted_name(node.func) or "").rpartition(".")[2] in _PARALLEL:
            given = [ast.unparse(a) for a in node.args]
            if any(g in held for g in given):
                return next(held[g] for g in given if g in held)
    return None


def _importers(path: Path, class_name: str, root: Path
               ) -> Iterator[tuple[Path, ast.Module, set[str], set[str], tuple[tuple[str, str], ...]]]:
    """The project's other files that import the class from ``path``, tests first."""
    for file in _project_files_tests_first(root.resolve()):
        if file == path or class_name not in file_text(file):
            continue
        tree = file_tree(file)
        if tree is not None:
            names, prefixes, objects = _bindings(tree, file, path, class_name, root)
            if names or prefixes:
                yield file, tree, names, prefixes, objects


@functools.lru_cache(maxsize=16)
def _project_files(root: Path) -> tuple[Path, ...]:
    files: list[Path] = []
    for folder, dirs, names in os.walk(root):  # (os.walk does not follow symlinked folders)
        dirs[:] = sorted(d for d in dirs if not skipped_dir(Path(folder) / d))
        files += [Path(folder, n).resolve() for n in sorted(names) if n.endswith(".py")]
        if len(files) >= MAX_FILES:
            break
    return tuple(files[:MAX_FILES]) + tuple(f.resolve() for f in python_scripts(root))


@functools.lru_cache(maxsize=16)
def _project_files_tests_first(root: Path) -> tuple[Path, ...]:
    return tuple(sorted(_project_files(root), key=lambda f: not _is_test_file(f, root)))


def _is_test_file(path: Path, root: Path) -> bool:
    try:
        parts = path.relative_to(root.resolve()).parts
    except ValueError:
        parts = path.parts
    name = path.name
    return (any(p in ("test", "tests") for p in parts[:-1]) or name.startswith("test_")
            or name.endswith("_test.py") or name in ("test.py", "tests.py"))


@functools.lru_cache(maxsize=1024)
def _import_roots(file: Path) -> tuple[Path, ...]:
    return tuple(import_roots(file))


def _module_file(name: str, level: int, file: Path, root: Path) -> Path | None:
    """The project file an import names, if any."""
    parts = name.split(".") if name else []
    if level:
        folder = file.parent
        for _ in range(level - 1):
            folder = folder.parent
        bases = [folder]
    else:
        bases = [root, *_import_roots(file)]
    for base in bases:
        for candidate in (base.joinpath(*parts).with_suffix(".py") if parts else None,
                          base.joinpath(*parts, "__init__.py")):
            if candidate is not None and candidate.is_file():
                return candidate.resolve()
    return None


def _bindings(tree: ast.Module, file: Path, target: Path, class_name: str,
              root: Path) -> tuple[set[str], set[str], tuple[tuple[str, str], ...]]:
    """The names that mean the class in ``file`` (``UNet``, an alias), the dotted prefixes
    of the model's module (``arch`` in ``arch.RRDBNet``), and the other names it imports from
    the model's file (``from net import decoder``: (name here, name there))."""
    names: set[str] = set()
    prefixes: set[str] = set()
    objects: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module_file = _module_file(node.module or "", node.level, file, root)
            for alias in node.names:
                if alias.name in (class_name, "*") and _provides(module_file, target, class_name, root):
                    names.add(alias.asname or class_name)
                elif module_file == target and alias.name != "*":
                    objects.append((alias.asname or alias.name, alias.name))
                elif _module_file(f"{node.module or ''}.{alias.name}".strip("."), node.level, file, root) == target:
                    prefixes.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _provides(_module_file(alias.name, 0, file, root), target, class_name, root):
                    prefixes.add(alias.asname or alias.name)
    return names, prefixes, tuple(objects)


def _provides(module_file: Path | None, target: Path, class_name: str, root: Path, depth: int = 0) -> bool:
    """Whether the module is the class's file, or re-exports the class from it (a package's
    ``__init__.py``: ``from .model import EfficientNet``), directly or through another."""
    if module_file is None or module_file == target:
        return module_file == target
    tree = file_tree(module_file) if depth < 3 else None
    for node in tree.body if tree is not None else ():
        if isinstance(node, ast.ImportFrom) and any(a.name in (class_name, "*") and a.asname in (None, class_name)
                                                    for a in node.names):
            source = _module_file(node.module or "", node.level, module_file, root)
            if source != module_file and _provides(source, target, class_name, root, depth + 1):
                return True
    return False


def _calls(body: list[ast.stmt], tree: ast.Module, file: Path, callees: _Callees,
           own_file: bool = False) -> list[CodeArguments]:
    """The matching calls in ``body`` and in every function of it, each folded in the scope
    it is in (the module's constants, then the scope's own assignments before it)."""
    values = {**{p: _MODEL_MODULE for p in callees.prefixes if "." not in p},
              **{name: (_Builder if original[:1].isupper() else _Module)(original)
                 for name, original in callees.objects}}
    values[_DEFAULTS] = _ParsedOptions(argparse_defaults(tree))
    values[_PARSERS] = _parsing_functions(tree, file)
    bindings = {} if own_file else _project_bindings(tree, file, callees)
    values.update({name: value for name, (value, _where, _what) in bindings.items() if name not in values})
    module_scope = _Scope({**values, **_constants(tree.body, definitions=own_file, file=file,
                                                  parsed=values[_DEFAULTS], parsers=values[_PARSERS])}, callees)
    found: list[CodeArguments] = []
    scopes: list[list[ast.stmt]] = [body]
    scopes += [n.body for s in body for n in ast.walk(s) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for statements in scopes:
        scope = module_scope.child()
        for statement, callee, (arguments, left_out, modules, paths) in list(scope.run(statements)):
            where = f"{display_path(file)}:{statement.lineno}"
            inputs = scope.inputs.get(id(statement), ())  # (known once the scope has run)
            if not paths:
                imports = _used_bindings(arguments, bindings) if modules else ()
                found.append(CodeArguments(arguments, where, inputs, callee, left_out, modules, imports=imports))
                continue
            given = set(re.findall(r"(?:^|, )(\w+)=", arguments))
            for configured, keywords in section_arguments(paths, project_root(file)):
                texts = [f"{k}={v!r}" for k, v in keywords.items() if k not in given]
                found.append(CodeArguments(", ".join(t for t in (arguments, *texts) if t), where, inputs, callee,
                                           left_out, modules, configured=configured))
    return found


def _project_bindings(tree: ast.Module, file: Path, callees: _Callees
                      ) -> dict[str, tuple[Any, str, str]]:
    """The calling file's module-level names of the project's other modules (``from models import
    modules``), of their module classes and builders (``from models.modules import E_resnet``) and
    of torch's modules (``import torchvision.models as models``): name -> (its value when folded,
    the project file or "" for a library, what it names there)."""
    return {name: bound for name, bound in _file_bindings(file).items()
            if name not in callees.prefixes and name not in callees.names}


@functools.lru_cache(maxsize=256)
def _file_bindings(file: Path) -> dict[str, tuple[Any, str, str]]:
    """``_project_bindings`` of a file, computed once a run."""
    tree = file_tree(file)
    root = project_root(file)
    found: dict[str, tuple[Any, str, str]] = {}
    for statement in tree.body if tree is not None else ():
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                name = alias.asname or alias.name.split(".")[0]
                if alias.name.split(".")[0] in TORCH_ROOTS:
                    found[name] = (_torch_name(name, alias.name), "", alias.name if alias.asname else name)
                elif (alias.asname or "." not in alias.name) and (module := _module_file(alias.name, 0, file, root)):
                    found[name] = (_project_module(name, module), str(module), "")
        elif isinstance(statement, ast.ImportFrom):
            base = statement.module or ""
            for alias in statement.names:
                name = alias.asname or alias.name
                if alias.name == "*":
                    continue
                if statement.level == 0 and base.split(".")[0] in TORCH_ROOTS:
                    found[name] = (_torch_name(name, f"{base}.{alias.name}"), "", f"{base}.{alias.name}")
                elif (module := _module_file(f"{base}.{alias.name}".strip("."), statement.level, file, root)):
                    found[name] = (_project_module(name, module), str(module), "")
                elif (module := _module_file(base, statement.level, file, root)) is not None \
                        and alias.name in _module_builders(file_tree(module).body if file_tree(module) else [],
                                                           module):
                    found[name] = (_Builder(name), str(module), alias.name)
    return found


def _project_module(name: str, file: Path) -> _ProjectModule:
    value = _ProjectModule(name)
    value.file = file
    return value


def _used_bindings(arguments: str, bindings: dict[str, tuple[Any, str, str]]) -> tuple[tuple[str, str, str], ...]:
    """The bindings the call's arguments use (the names of its module expressions)."""
    try:
        names = {n.id for n in ast.walk(ast.parse(f"f({arguments})", mode="eval")) if isinstance(n, ast.Name)}
    except SyntaxError:
        return ()
    return tuple((name, where, what) for name, (_value, where, what) in bindings.items() if name in names)


def _parsing_functions(tree: ast.Module, file: Path) -> dict[str, _ParsedOptions]:
    """The functions the file defines or imports from the project that return the options
    their parser parses (``def parse_command(): ...; args = parser.parse_args(); return args``),
    by the name the file calls them (``parse_command``, ``utils.parse_command``): the defaults
    of their file's parser."""
    root = project_root(file)
    found: dict[str, _ParsedOptions] = {}
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef) and _returns_parsed(statement):
            found[statement.name] = _ParsedOptions(argparse_defaults(tree))
        elif isinstance(statement, ast.ImportFrom):
            module = _parsing_module(_module_file(statement.module or "", statement.level, file, root))
            for alias in statement.names:
                if alias.name in module:
                    found[alias.asname or alias.name] = module[alias.name]
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                module = _parsing_module(_module_file(alias.name, 0, file, root))
                found.update({f"{alias.asname or alias.name}.{name}": parsed for name, parsed in module.items()})
    return found


def _parsing_module(file: Path | None) -> dict[str, _ParsedOptions]:
    tree = file_tree(file) if file is not None else None
    if tree is None:
        return {}
    functions = [s for s in tree.body if isinstance(s, ast.FunctionDef) and _returns_parsed(s)]
    return {f.name: _ParsedOptions(argparse_defaults(tree)) for f in functions}


def _returns_parsed(function: ast.FunctionDef) -> bool:
    """``return parser.parse_args()``, or ``args = parser.parse_args(); ...; return args``."""
    def parsing(node: ast.expr | None) -> bool:
        node = node.value if isinstance(node, ast.Subscript) else node  # parse_known_args()[0]
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in ("parse_args", "parse_known_args")
    parsed = {t.id for n in ast.walk(function) if isinstance(n, ast.Assign) and parsing(n.value)
              for t in n.targets if isinstance(t, ast.Name)}
    return any(isinstance(n, ast.Return) and (parsing(n.value) or isinstance(n.value, ast.Name)
                                              and n.value.id in parsed) for n in ast.walk(function))


def _constants(body: list[ast.stmt], definitions: bool = False, file: Path | None = None,
               parsed: _ParsedOptions | None = None, parsers: dict[str, _ParsedOptions] | None = None
               ) -> dict[str, Any]:
    """The module's constants, and its names imported from torch (kept as dotted names); with
    ``definitions`` (the model's own file) also its classes and functions (``ResNet(Bottleneck,
    [3, 4, 6, 3])``), resolved in the module when the model is built; ``parsed``: what its
    ``parse_args()`` gives, ``parsers``: the functions that return parsed options."""
    values: dict[str, Any] = {} if parsed is None else {_DEFAULTS: parsed}
    values.update({_PARSERS: parsers} if parsers else {})
    builders = _module_builders(body, file) if definitions and file is not None else set()
    for statement in body:
        if definitions and isinstance(statement, (ast.ClassDef, ast.FunctionDef)):
            values[statement.name] = (_Builder if statement.name in builders else _Dotted)(statement.name)
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.name.split(".")[0] in TORCH_ROOTS:
                    name = alias.asname or alias.name.split(".")[0]
                    values[name] = _torch_name(name, alias.name if alias.asname else name)
        elif isinstance(statement, ast.ImportFrom) and statement.level == 0 \
                and (statement.module or "").split(".")[0] in TORCH_ROOTS:
            for alias in statement.names:
                values[alias.asname or alias.name] = _torch_name(alias.asname or alias.name,
                                                                 f"{statement.module}.{alias.name}")
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                value = _fold(statement.value, values)
                if definitions and isinstance(value, _Module) and isinstance(target, ast.Name):
                    value = _Module(target.id)  # (the model's module has it: decoder = nn.Sequential(...))
                _bind(target, value, values)
    return values


_MODULE_BUILDING = ("torch.nn", "torchvision.models", "timm.models", "timm.create_model")
_NOT_MODULE_BUILDING = ("torch.nn.functional", "torch.nn.init", "torch.nn.utils")


def _torch_name(name: str, full: str) -> _Dotted:
    """A name imported from torch: a _Builder when what it names builds modules (``nn``,
    ``torchvision.models``; not ``torch.cuda.device_count``, ``F.interpolate``)."""
    builds = full.startswith(_MODULE_BUILDING) and not full.startswith(_NOT_MODULE_BUILDING)
    return (_Builder if builds else _Dotted)(name)


def _module_builders(body: list[ast.stmt], file: Path) -> set[str]:
    """The model file's nn.Module classes and the functions that return one or a torch module
    (``make_layers(cfg)``: ``return nn.Sequential(*layers)``)."""
    classes = set(module_classes(file))
    torch_names = {"nn", "torch", "torchvision"}
    made = factories(body, classes | torch_names)
    return classes | {name for name, f in made.items() if f.returns}


def _bind(target: ast.expr, value: Any, values: dict[str, Any]) -> None:
    if isinstance(target, ast.Name):
        values[target.id] = value
    elif isinstance(target, (ast.Tuple, ast.List)):
        items = value if isinstance(value, (tuple, list)) and len(value) == len(target.elts) else None
        for i, element in enumerate(target.elts):
            _bind(element, _UNKNOWN if items is None else items[i], values)


_OPERATORS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
              ast.Div: lambda a, b: a / b, ast.FloorDiv: lambda a, b: a // b, ast.Mod: lambda a, b: a % b,
              ast.Pow: lambda a, b: a ** b}


def _fold(node: ast.expr, values: dict[str, Any]) -> Any:
    """The constant value of an expression, or _UNKNOWN."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return values.get(node.id, _UNKNOWN)
    if isinstance(node, ast.Attribute):
        base = _fold(node.value, values)
        if isinstance(base, _ParsedOptions):  # args.start_iter: the script's default
            return base.get(node.attr, _UNKNOWN)
        if isinstance(base, _LoadedConfig):  # cfg.model (EasyDict, OmegaConf)
            return _LoadedConfig((*base, node.attr))
        if base is _MODEL_MODULE:  # net.decoder, net.Encoder
            return (_Builder if node.attr[:1].isupper() else _Module)(node.attr)
        if isinstance(base, _ProjectModule):  # modules.E_resnet, resnet.resnet50 of another file of the project
            tree = file_tree(base.file)
            builders = _module_builders(tree.body, base.file) if tree is not None else set()
            return _Builder(f"{base}.{node.attr}") if node.attr in builders else _UNKNOWN
        if isinstance(base, _Builder):
            return _torch_name(f"{base}.{node.attr}", f"torch.nn.{node.attr}" if base == "nn" else "torch.nn")
        if isinstance(base, _Dotted) and not isinstance(base, _Module):
            return _torch_name(f"{base}.{node.attr}", f"{base}.{node.attr}")
        return type(base)(f"{base}.{node.attr}") if isinstance(base, _Dotted) else _UNKNOWN
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute) and node.func.attr == "parse_args" and _DEFAULTS in values:
            return values[_DEFAULTS]
        parsing = values.get(_PARSERS, {}).get(ast.unparse(node.func)) if not node.args else None
        if parsing is not None:  # args = utils.parse_command(): the defaults of the parser it makes
            return parsing
        loaded = _loaded_config(node, values)
        return loaded if loaded is not None else _module_call(node, values)
    if isinstance(node, ast.Subscript):
        base = _fold(node.value, values)
        if isinstance(base, _LoadedConfig):
            key = node.slice.value if isinstance(node.slice, ast.Constant) else None
            return _LoadedConfig((*base, key)) if isinstance(key, str) else _UNKNOWN
        index = _slice_text(node.slice, values)
        return _Module(f"{base}[{index}]") if isinstance(base, _Module) and index is not None else _UNKNOWN
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items = [_fold(e, values) for e in node.elts]
        if any(i is _UNKNOWN for i in items):
            return _UNKNOWN
        return {ast.Tuple: tuple, ast.List: list, ast.Set: set}[type(node)](items)
    if isinstance(node, ast.Dict):
        keys = [_fold(k, values) if k is not None else _UNKNOWN for k in node.keys]
        items = [_fold(v, values) for v in node.values]
        return _UNKNOWN if _UNKNOWN in (*keys, *items) else dict(zip(keys, items))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _fold(node.operand, values)
        return -value if isinstance(value, (int, float)) and isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _fold(node.left, values), _fold(node.right, values)
        if isinstance(left, (int, float, str, tuple, list)) and isinstance(right, (int, float, str, tuple, list)):
            try:
                return _OPERATORS[type(node.op)](left, right)
            except (TypeError, ZeroDivisionError, OverflowError):
                return _UNKNOWN
    return _UNKNOWN


def _loaded_config(node: ast.Call, values: dict[str, Any]) -> _LoadedConfig | None:
    """``yaml.load(f)``, ``json.load(f)``, ``OmegaConf.load(path)``, ``EasyDict(yaml.safe_load(f))``."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    module = ast.unparse(func.value).split(".")[-1] if isinstance(func, ast.Attribute) else ""
    if name in _CONFIG_LOADERS and (module in _CONFIG_LOADER_MODULES or not module):
        return _LoadedConfig(())
    if name in _CONFIG_WRAPPERS and len(node.args) == 1:
        wrapped = _fold(node.args[0], values)
        return wrapped if isinstance(wrapped, _LoadedConfig) else None
    return None


def _section_path(node: ast.expr, values: dict[str, Any]) -> tuple[str, ...] | None:
    """The key path of a configuration section passed as ``**section``: of a loaded configuration
    (``config['model']``, a variable holding one), or read by string keys from a name netlint does
    not know (``cfg['model']['generator']``, ``cfg.model`` in a function given the configuration)."""
    value = _fold(node, values)
    if isinstance(value, _LoadedConfig):
        return tuple(value) or None
    keys: list[str] = []
    while True:
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                and isinstance(node.slice.value, str):
            keys.insert(0, node.slice.value)
            node = node.value
        elif isinstance(node, ast.Attribute):
            keys.insert(0, node.attr)
            node = node.value
        else:
            break
    if keys and isinstance(node, ast.Name) and values.get(node.id, _UNKNOWN) is _UNKNOWN:
        return tuple(keys)
    return None


def _module_call(node: ast.Call, values: dict[str, Any]) -> Any:
    """A call that builds or takes apart modules (``Encoder(64)``, ``nn.Sequential(*layers)``,
    ``list(vgg.children())``), its arguments constants or modules: a _Module, else _UNKNOWN.
    Nothing else is ever called: a project's function that parses options or reads files is
    a value netlint does not know."""
    func = node.func
    if isinstance(func, ast.Name) and func.id in _MODULE_BUILTINS and func.id not in values:
        head: Any = _Builder(func.id)
    else:
        head = _fold(func, values)
    method = isinstance(func, ast.Attribute) and func.attr in _MODULE_METHODS and isinstance(head, _Module)
    if not (isinstance(head, _Builder) or method):
        return _UNKNOWN
    parts: list[str] = []
    for argument in node.args:
        starred = isinstance(argument, ast.Starred)
        value = _fold(argument.value if starred else argument, values)
        if value is _UNKNOWN:
            return _UNKNOWN
        parts.append(("*" if starred else "") + repr(value))
    for keyword in node.keywords:
        value = _fold(keyword.value, values)
        if value is _UNKNOWN:
            return _UNKNOWN
        parts.append(f"{keyword.arg}={value!r}" if keyword.arg else f"**{value!r}")
    return _Module(f"{head}({', '.join(parts)})")


def _slice_text(node: ast.expr, values: dict[str, Any]) -> str | None:
    if isinstance(node, ast.Slice):
        bounds = [None if b is None else _fold(b, values) for b in (node.lower, node.upper, node.step)]
        if any(b is _UNKNOWN or not (b is None or isinstance(b, int)) for b in bounds):
            return None
        return ":".join("" if b is None else str(b) for b in bounds).rstrip(":") or ":"
    value = _fold(node, values)
    return None if value is _UNKNOWN or isinstance(value, _Dotted) else repr(value)


@dataclass(frozen=True)
class _Callees:
    """What builds the class in one file: the class under the names it has there (``UNet``, an
    alias, ``arch.RRDBNet`` with ``arch`` the model's module), its classmethod constructors,
    and (in its own file) the factories that return it."""

    names: set[str]
    prefixes: set[str]
    class_name: str
    constructors: set[str] = frozenset()
    factories: set[str] = frozenset()
    objects: tuple[tuple[str, str], ...] = ()  # (name here, name in the model's module) of what it imports

    def is_class(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.names
        if isinstance(func, ast.Attribute):
            return func.attr == self.class_name and ast.unparse(func.value) in self.prefixes
        return False

    def callee(self, func: ast.expr) -> str | None:
        """"" for the class, the name of a factory or constructor as the model's module has it."""
        if self.is_class(func):
            return ""
        if isinstance(func, ast.Name) and func.id in self.factories:
            return func.id
        if isinstance(func, ast.Attribute) and func.attr in self.constructors and self.is_class(func.value):
            return f"{self.class_name}.{func.attr}"
        return None


class _Scope:
    """Straight-line folding of one scope's statements, in order, nested blocks included."""

    def __init__(self, values: dict[str, Any], callees: _Callees) -> None:
        self.values = values
        self.callees = callees
        self.models: dict[str, int] = {}  # variable -> id of the statement that built it
        self.tensors: dict[str, tuple[int, ...]] = {}
        self.inputs: dict[int, tuple[tuple[int, ...], ...]] = {}

    def child(self) -> _Scope:
        return _Scope(dict(self.values), self.callees)

    def run(self, statements: list[ast.stmt]) -> Iterator[tuple[ast.stmt, str, tuple[str, tuple, bool, tuple]]]:
        for statement in statements:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue  # a scope of its own
            for call, callee in self._matching(statement):
                arguments = self._arguments(call)
                if arguments is not None:
                    yield statement, callee, arguments
                    self._remember_model(statement, call)
            self._note_uses(statement)
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    _bind(target, _fold(statement.value, self.values), self.values)
                    shape = self._tensor_shape(statement.value)
                    if shape is not None and isinstance(target, ast.Name):
                        self.tensors[target.id] = shape
            if isinstance(statement, ast.If):  # each branch from what came before it: an else
                before = dict(self.values)          # never sees what its if-branch assigned
                yield from self.run(statement.body)
                taken = self.values
                self.values = dict(before)
                yield from self.run(statement.orelse)
                self.values = {**taken, **{k: v for k, v in self.values.items() if v is not before.get(k, _UNKNOWN)}}
                continue
            for block in ("body", "orelse", "finalbody"):
                yield from self.run(getattr(statement, block, None) or [])
            for handler in getattr(statement, "handlers", None) or []:
                yield from self.run(handler.body)

    def _matching(self, statement: ast.stmt) -> list[tuple[ast.Call, str]]:
        calls = [(n, self.callees.callee(n.func)) for n in _own_calls(statement)]
        return [(call, callee) for call, callee in calls if callee is not None]

    def is_class(self, func: ast.expr) -> bool:
        return self.callees.callee(func) is not None

    def _arguments(self, call: ast.Call) -> tuple[str, tuple[int | str, ...], bool, tuple] | None:
        """The arguments as text (constants folded, the others as written), which are not
        constants, and the key paths of the configuration sections passed as ``**section``."""
        paths = tuple(_section_path(k.value, self.values) for k in call.keywords if k.arg is None)
        if any(isinstance(a, ast.Starred) for a in call.args) or None in paths:
            return None
        parts: list[str] = []
        left_out: list[int | str] = []
        modules = False
        for key, node in [*enumerate(call.args), *((k.arg, k.value) for k in call.keywords if k.arg)]:
            value = _fold(node, self.values)
            if isinstance(value, _ParsedOptions):  # the parsed options whole: not a value netlint makes here
                value = _UNKNOWN
            if value is _UNKNOWN:
                left_out.append(key)
            modules = modules or _holds_module(value)
            text = ast.unparse(node) if value is _UNKNOWN else repr(value)
            parts.append(f"{key}={text}" if isinstance(key, str) else text)
        if left_out and len(left_out) == len(parts) and not paths:  # nothing known: no more than the defaults
            return None
        return ", ".join(parts), tuple(left_out), modules, paths

    def _remember_model(self, statement: ast.stmt, call: ast.Call) -> None:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name) and _unwrapped(statement.value) is call:
            self.models[statement.targets[0].id] = id(statement)

    def _note_uses(self, statement: ast.stmt) -> None:
        """``net(x)`` or ``net.forward(x)`` of a model built in this scope: its example input."""
        for node in _own_calls(statement):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "forward":
                func = func.value
            if isinstance(func, ast.Name) and func.id in self.models:
                built = self.models[func.id]
            elif isinstance(func, ast.Call) and self.is_class(func.func):  # Net()(x)
                built = id(statement)
            else:
                continue
            shapes = [self.tensors.get(a.id) if isinstance(a, ast.Name) else self._tensor_shape(a) for a in node.args]
            if shapes and None not in shapes and built not in self.inputs:
                self.inputs[built] = tuple(shapes)

    def _tensor_shape(self, node: ast.expr) -> tuple[int, ...] | None:
        node = _unwrapped(node)
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and ast.unparse(node.func.value) == "torch"):
            return None
        if node.func.attr in ("tensor", "LongTensor") and node.args:  # labels written out: torch.tensor([3, 1])
            return _literal_shape(_fold(node.args[0], self.values))
        if node.func.attr == "arange" and len(node.args) == 1:
            return _literal_shape(list(range(n))) if isinstance(n := _fold(node.args[0], self.values), int) else None
        if node.func.attr not in TENSOR_CONSTRUCTORS:
            return None
        given = node.args[2:] if node.func.attr == "randint" else node.args
        size = next((k.value for k in node.keywords if k.arg == "size"), None)
        dims = [_fold(size, self.values)] if size is not None else [_fold(a, self.values) for a in given]
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = list(dims[0])
        if dims and all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in dims):
            return tuple(dims)
        return None


def _holds_module(value: Any) -> bool:
    """A module expression, or a list, tuple or dict holding one (``[GraphPath(14, 'conv'), 19]``)."""
    if isinstance(value, _Module):
        return True
    if isinstance(value, dict):
        return any(_holds_module(v) for v in value.values())
    return isinstance(value, (list, tuple, set)) and any(_holds_module(v) for v in value)


def _literal_shape(value: Any) -> tuple[int, ...] | None:
    """The shape of a tensor made of nested lists of numbers (``[[1, 2], [3, 4]]``: (2, 2))."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ()
    if not isinstance(value, (list, tuple)) or not value:
        return None
    inner = {_literal_shape(v) for v in value}
    if len(inner) != 1 or None in inner:
        return None
    return (len(value), *inner.pop())


def _own_calls(statement: ast.stmt) -> list[ast.Call]:
    """The calls in the statement itself, not in the blocks it holds."""
    if isinstance(statement, (ast.If, ast.While)):
        parts: list[ast.AST] = [statement.test]
    elif isinstance(statement, (ast.For, ast.AsyncFor)):
        parts = [statement.iter]
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        parts = [item.context_expr for item in statement.items]
    elif isinstance(statement, ast.Try):
        parts = []
    else:
        parts = [statement]
    return [n for part in parts for n in ast.walk(part) if isinstance(n, ast.Call)]


def _unwrapped(node: ast.expr) -> ast.expr:
    """``UNet(...).to(device).eval()`` → ``UNet(...)``."""
    while (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
           and node.func.attr in MODEL_WRAPPERS):
        node = node.func.value
    return node


class ProjectCall:
    """A call of the project's code whose arguments include modules (``Net(vgg, decoder)``,
    ``DeepLabV3(resnet50(), DeepLabHead(2048, 21))``): the arguments are evaluated in the
    model's module when the model is built (on meta, offline, with its creation lines), the
    arguments ``left_out`` (keywords, trailing positions) left at their defaults."""

    def __init__(self, function: Any, arguments: str, namespace: dict[str, Any],
                 left_out: tuple[int | str, ...] = ()) -> None:
        self.function = function
        self.arguments = arguments
        self.namespace = namespace
        self.left_out = left_out
        self.given: dict[str, Any] = {}  # values for parameters left out, guessed by meaning

    def __call__(self) -> Any:
        call = ast.parse(f"f({self.arguments})", mode="eval").body
        args: list[Any] = []
        for i, node in enumerate(call.args):
            if i in self.left_out:
                break  # (only trailing positions are left out)
            if isinstance(node, ast.Starred):
                args.extend(self._value(node.value))
            else:
                args.append(self._value(node))
        kwargs = {k.arg: self._value(k.value) for k in call.keywords if k.arg not in self.left_out}
        return self.function(*args, **kwargs, **self.given)

    def _value(self, node: ast.expr) -> Any:
        return eval(compile(ast.Expression(node), "<the project's call>", "eval"), self.namespace)  # noqa: S307

    def can_run(self) -> bool:
        """Whether the names it uses exist in the model's module, and only trailing positions are left out."""
        call = ast.parse(f"f({self.arguments})", mode="eval").body
        positions = sorted(i for i in self.left_out if isinstance(i, int))
        if positions and positions != list(range(positions[0], len(call.args))):
            return False
        return not self.unknown()

    def unknown(self) -> tuple[int | str, ...]:
        """The arguments (positions, keywords) that use a name the model's module does not have."""
        call = ast.parse(f"f({self.arguments})", mode="eval").body
        builtins = self.namespace.get("__builtins__", {})
        builtins = builtins if isinstance(builtins, dict) else vars(builtins)
        found: list[int | str] = []
        for key, node in [*enumerate(call.args), *((k.arg, k.value) for k in call.keywords)]:
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            if key not in self.left_out and not all(n in self.namespace or n in builtins for n in names):
                found.append(key)
        return tuple(found)
