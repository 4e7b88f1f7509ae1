"""An options object for a constructor that takes the project's parsed command line
(``def __init__(self, args): n_feats = args.n_feats``), made as the project's scripts make
it, without arguments:

- the parsers of its files: a ``Namespace`` a file leaves at its top level (``args =
  parser.parse_args()``, with what the file does to it after), the parsers its functions
  return or fill (``get_args()``, ``add_args(parser)``), its options classes
  (``BaseOptions().initialize(parser)``, subclasses adding more) and its ``if __name__ ==
  "__main__":`` blocks (the statements that make the parser, add its arguments or pass it
  to one of the project's extenders, or take the parser a project function makes:
  ``parser = get_arguments()`` then more ``add_argument``);
- extended with the options the model's class adds to a parser it is given (its static or
  class methods: ``modify_commandline_options(parser, is_train)``, which may call its
  blocks' in turn; ``add_model_specific_args(parent_parser)``), and, for options the model
  still reads, with the project's other extenders that add them (a dataset's);
- then what the project sets on the parsed options, where that is pure (``opt.isTrain =
  self.isTrain``, ``opt.semantic_nc = opt.label_nc + 1``, ``str_ids =
  opt.gpu_ids.split(','); opt.gpu_ids = []``, also in a function the script gives them to:
  ``opt = functions.post_config(opt)``); an option read that the project changes with
  code netlint does not run is named (``kernels as parsed``);
- an attribute no parser defines that the project's scripts set on the parsed options with
  code netlint does not run (``args.device = torch.device('cuda' if ... else 'cpu')``): a
  device (``device``, ``gpu_ids``, ``use_cuda``) is the CPU, as device parameters are, and
  said so; any other is named with the statement that sets it, when the model is skipped.

The command line is the file alone, so parsing gives the defaults. Among the namespaces, the
one that defines most of the attributes the constructor reads wins: the model's own file's,
then the nearest folder's, then the parser with most options. The parser files are read once
per run for a project (again when one changed), each alone with the project's modules set
aside: two copies of a project in one tree each give their own options."""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import inspect
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netlint.arguments.parser_defaults import option_dest
from netlint.arguments.project_text import file_text, file_tree, is_project_file_module, project_python_files
from netlint.class_scan import is_main_block
from netlint.project import in_other_project, python_files
from netlint.source import parse_function, read_source

OPTION_NAMES = {"args", "arg", "opt", "opts", "option", "options", "cfg", "config", "conf", "hparams",
                "hp", "hps", "params", "flags", "para", "paras", "param", "settings", "hparam", "hyperparams"}
MAX_FILES = 2000


@dataclass(frozen=True)
class Options:
    namespace: argparse.Namespace
    where: str  # "option.py"
    missing: tuple[str, ...]  # the attributes the constructor reads that the namespace lacks
    # the project's functions that added options: "SPADEGenerator.modify_commandline_options"
    added: tuple[str, ...] = ()
    # options read that the project changes after parsing with code netlint does not run
    as_parsed: tuple[str, ...] = ()
    # attributes the project's scripts set on the parsed options with code netlint does not run:
    # (attribute, "main.py:121 sets args.device = torch.device('cuda:0')")
    set_by_scripts: tuple[tuple[str, str], ...] = ()
    on_cpu: tuple[str, ...] = ()  # of those, the devices given the CPU
    # what completed them (``options_guesses``): "args.n_resblocks 2 guessed (by its name)"
    completions: tuple[str, ...] = ()
    has_guesses: bool = False  # some attribute guessed by its name

    @property
    def described(self) -> str:
        """"option.py's argparse defaults", "… with the options of Net.modify_commandline_options"."""
        if not self.where:  # no parser of the project: every attribute completed
            return ", ".join(self.completions)
        return self._parsed_text + "".join(f", {text}" for text in self.completions)

    @property
    def _parsed_text(self) -> str:
        return f"{self.where}'s argparse defaults" + \
            (f" with the options of {', '.join(self.added)}" if self.added else "") + \
            "".join(f", {text}" for text in self.as_parsed) + \
            (f", {' and '.join(self.on_cpu)} the CPU ({self._setting(self.on_cpu)} after parsing)"
             if self.on_cpu else "")

    def _setting(self, names: tuple[str, ...]) -> str:
        """"main.py:27 sets it", "main.py:27 and main.py:31 set them"."""
        where = dict(self.set_by_scripts)
        places = list(dict.fromkeys(where[n].split(" sets ")[0] for n in names if n in where))
        return f"{' and '.join(places)} {'sets it' if len(names) == 1 else 'set them'}"


def options_parameters(factory: Any, required: list[str]) -> dict[str, set[str]]:
    """The ``required`` parameters that are options objects (by name, or annotated
    ``argparse.Namespace``), with the attributes the constructor reads on each. A parameter
    the constructor indexes (``config['depth']``) is a mapping, not options; one it reads no
    attribute of (``for width in cfg``), unless annotated, is not known to be options."""
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return {}
    names = [n for n in required
             if n in parameters and (n.lower() in OPTION_NAMES or _namespace_annotated(parameters[n]))]
    if not names:
        return {}
    found: dict[str, set[str]] = {}
    for name in names:  # a parameter whose attributes are not read (a list iterated) is not options
        read = _reads(factory, name)
        if read or (read is not None and (_namespace_annotated(parameters[name]) or _only_kept(factory, name))):
            found[name] = read
    return found


_METHODS = {"get", "items", "keys", "values"}  # a dict's, not options read
MAX_DEPTH = 3  # calls followed when the options are passed on (``super().__init__(opt)``, ``Body(args)``)


def _only_kept(factory: Any, name: str) -> bool:
    """A parameter the constructor only keeps (``self.para = para``) for its forward to read:
    any options do to build it."""
    function = own_init(factory) if inspect.isclass(factory) else factory
    try:
        tree = parse_function(function)
    except (OSError, TypeError, SyntaxError, ValueError):
        return False
    kept = [n.value for n in ast.walk(tree) if isinstance(n, ast.Assign) and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Attribute) and _on_self(n.targets[0])]
    uses = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
    return bool(uses) and all(any(u is k for k in kept) for u in uses)


def _namespace_annotated(parameter: inspect.Parameter) -> bool:
    annotation = parameter.annotation
    return annotation is argparse.Namespace or \
        (isinstance(annotation, str) and annotation.split(".")[-1] == "Namespace")


def _reads(factory: Any, name: str, depth: int = 0) -> set[str] | None:
    """The attributes read on parameter ``name`` of a class's constructor or a function, also
    in the project's constructors and functions it passes the parameter to; None when it is
    indexed (a mapping)."""
    from netlint.user_code import is_library_file

    owner = factory if inspect.isclass(factory) else None
    function = own_init(factory) if owner is not None else factory
    try:
        if function is None or is_library_file(inspect.getsourcefile(function) or ""):
            return set()
        tree = parse_function(function)
    except (OSError, TypeError, SyntaxError, ValueError):
        return set()
    read: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name:
            if isinstance(node.ctx, ast.Load) and not node.attr.startswith("__") and node.attr not in _METHODS:
                read.add(node.attr)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name:
            return None
        elif isinstance(node, ast.Call) and depth < MAX_DEPTH:
            for callee, parameter in _passed_to(node, name, function, owner):
                more = _reads(callee, parameter, depth + 1)
                read |= more or set()
    on_self = _read_on_self(owner, _kept_on_self(tree, name, function, owner)) if owner is not None else set()
    return None if on_self is None else read | on_self


def _kept_on_self(tree: ast.AST, name: str, function: Any, owner: type) -> set[str]:
    """The attributes of ``self`` the constructor keeps the parameter under (``self.opts =
    opts``), also in a method it gives it to (``self.set_opts(opts)``)."""
    kept: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == name:
            kept |= {t.attr for t in node.targets if isinstance(t, ast.Attribute) and _on_self(t)}
        elif isinstance(node, ast.Call) and _on_self(node.func):
            for method, parameter in _passed_to(node, name, function, owner):
                try:
                    inner = parse_function(method)
                except (OSError, TypeError, SyntaxError, ValueError):
                    continue
                kept |= {t.attr for n in ast.walk(inner) if isinstance(n, ast.Assign)
                         and isinstance(n.value, ast.Name) and n.value.id == parameter
                         for t in n.targets if isinstance(t, ast.Attribute) and _on_self(t)}
    return kept


def _read_on_self(owner: type, kept: set[str]) -> set[str] | None:
    """The attributes read on ``self.opts`` (one of ``kept``) while the class is constructed:
    in its ``__init__`` and the methods it calls on ``self`` (``self.set_encoder()``, also in
    turn), its project bases' included, but those the class sets itself (``self.opts.n_styles
    = ...``); None when it indexes one."""
    from netlint.user_code import is_library_file

    methods: dict[str, ast.FunctionDef] = {}
    for cls in reversed(owner.__mro__) if kept else ():
        try:
            if is_library_file(inspect.getsourcefile(cls) or ""):
                continue
            tree = parse_function(cls)
        except (OSError, TypeError, SyntaxError, ValueError):
            continue
        node = tree.body[0] if tree.body and isinstance(tree.body[0], ast.ClassDef) else None
        methods.update({m.name: m for m in (node.body if node else []) if isinstance(m, ast.FunctionDef)})
    read: set[str] = set()
    stored: set[str] = set()
    waiting, seen = ["__init__"], set()
    while waiting:
        name = waiting.pop()
        if name in seen or name not in methods:
            continue
        seen.add(name)
        for node in ast.walk(methods[name]):
            if isinstance(node, ast.Call) and _on_self(node.func):
                waiting.append(node.func.attr)
            if not (isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.value, ast.Attribute)
                    and node.value.attr in kept and _on_self(node.value)):
                continue
            if isinstance(node, ast.Subscript):
                return None
            if not isinstance(node.ctx, ast.Load):
                stored.add(node.attr)
            elif not node.attr.startswith("__") and node.attr not in _METHODS:
                read.add(node.attr)
    return read - stored


def own_init(cls: type) -> Any:
    """The ``__init__`` a class's instances run, when not ``object``'s."""
    init = next((vars(k)["__init__"] for k in cls.__mro__ if "__init__" in vars(k)), None)
    return None if init is None or init is object.__init__ else init


def _passed_to(call: ast.Call, name: str, function: Any, owner: type | None) -> Iterator[tuple[Any, str]]:
    """(callee, its parameter) for each place ``call`` passes the name ``name``."""
    callee = resolve_callee(call.func, function, owner)
    if callee is None:
        return
    positional = positional_parameters(call, callee, owner)
    for position, argument in enumerate(call.args):
        if isinstance(argument, ast.Name) and argument.id == name and position < len(positional):
            yield callee, positional[position]
    for keyword in call.keywords:
        if isinstance(keyword.value, ast.Name) and keyword.value.id == name and keyword.arg:
            yield callee, keyword.arg


def resolve_callee(func: ast.expr, function: Any, owner: type | None) -> Any:
    """What a call calls, resolved in the function's module: a name, a dotted name, or
    ``super().__init__`` (the next class's constructor, as a class)."""
    if isinstance(func, ast.Attribute) and func.attr == "__init__":
        inner = func.value
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "super" and owner:
            defining = next((k for k in owner.__mro__ if vars(k).get("__init__") is function), owner)
            mro = owner.__mro__
            return next((k for k in mro[mro.index(defining) + 1:] if "__init__" in vars(k)), None)
        func = inner  # ``Base.__init__(self, opt)``: the function itself, ``self`` first
        plain = resolve_callee(func, function, None)
        return vars(plain).get("__init__") if inspect.isclass(plain) else None
    if _on_self(func) and owner is not None:  # ``self.make_body(opt)``: the class's method
        value = inspect.getattr_static(owner, func.attr, None)
        value = getattr(value, "__func__", value)
        return value if inspect.isfunction(value) else None
    value = dotted_value(func, getattr(function, "__globals__", {}))
    return value if callable(value) else None


def dotted_value(node: ast.expr, namespace: dict[str, Any]) -> Any:
    """A name or dotted name (``Net.add_model_specific_args``) in a module's namespace, each
    attribute found without running a property (a static method: its function, a class
    method: bound to its class); None when it is not there."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    value = namespace.get(node.id)
    for part in parts:
        found = inspect.getattr_static(value, part, None)
        value = getattr(value, part, None) if isinstance(found, (staticmethod, classmethod)) else found
    return value


@dataclass
class Parsed:
    """A namespace the project's parsers give, with what can extend it."""
    namespace: argparse.Namespace
    file: Path
    parser: argparse.ArgumentParser | None = None  # to add a model's own options to
    holder: Any = None  # the options class instance that made it: ``self`` of its methods
    after: tuple[tuple[str, tuple[ast.stmt, ...]], ...] = ()  # (options name, pure statements) run after parsing


@dataclass(frozen=True)
class Extender:
    """A function or static method that adds options to the parser it is given
    (``modify_commandline_options(parser, is_train)``, ``add_model_args(parser)``)."""
    file: Path
    qualname: str  # "SPADEGenerator.modify_commandline_options"
    dests: frozenset[str]  # the options it adds


def positional_parameters(call: ast.Call, callee: Any, owner: type | None) -> list[str]:
    """The names of the parameters a call's positional arguments go to (``self.make_body(opt)``:
    after the method's ``self``)."""
    try:
        parameters = list(inspect.signature(callee).parameters.values())
    except (TypeError, ValueError):
        return []
    names = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if _on_self(call.func) and owner is not None and \
            not isinstance(inspect.getattr_static(owner, call.func.attr, None), staticmethod):
        names = names[1:]
    return names


def _on_self(func: ast.expr) -> bool:
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self"


def project_options(reads: set[str], target: Any, own_namespace: dict[str, Any],
                    root: Path, most: int = 3, factory: Any = None) -> list[Options]:
    """The project's options that define most of ``reads``, best first, the model's own file,
    then the nearest folder's, then the parser with most options first among equals: up to
    ``most`` that define them all, else the closest. Each parser is extended with the options the
    model's class adds to it (its ``modify_commandline_options``), then, for what it still lacks, with the project's
    other functions that add those options; then the attributes the project sets on the
    parsed options (``opt.isTrain = self.isTrain``) are set. ``target``: the model's, whose
    module ``own_namespace`` is."""
    from netlint.paths import display_path
    from netlint.load.importer import import_target_module

    own = target.path.resolve() if target.path else None
    found: list[Options] = []
    try:
        parsed, extenders = _project_parsers(root, own, own_namespace)
        for source in sorted(parsed, key=lambda p: (*_distance(p.file, own)[:2], -len(vars(p.namespace)),
                                                    _distance(p.file, own)[2:])):
            namespace, added, left = _completed(source, reads, factory, extenders, own)
            missing = tuple(sorted(reads - set(vars(namespace))))
            as_parsed = tuple(f"{name} as parsed ({left[name]} is not run)" for name in sorted(reads & set(left)))
            set_by_scripts = _set_by_scripts(root, missing)
            on_cpu = tuple(name for name, _ in set_by_scripts if device_value(name) is not NOT_A_DEVICE)
            for name in on_cpu:
                setattr(namespace, name, device_value(name))
            missing = tuple(name for name in missing if name not in on_cpu)
            if not any(vars(o.namespace) == vars(namespace) for o in found):
                found.append(Options(namespace, display_path(source.file), missing, added, as_parsed,
                                     set_by_scripts, on_cpu))
            if sum(not o.missing for o in found) == most:
                break
    finally:  # importing the options' files made theirs the project's folders: the model's again
        if target.path is not None:
            import_target_module(target)
    found.sort(key=lambda o: len(o.missing))
    complete = [o for o in found if not o.missing]
    return complete or found[:1]


def _distance(file: Path, own: Path | None) -> tuple:
    """The model's own file first, then the files of the folders nearest to it."""
    if own is None:
        return (1, 0, str(file))
    shared = 0
    for a, b in zip(file.parent.parts, own.parent.parts):
        if a != b:
            break
        shared += 1
    return (file != own, -shared, len(file.parts), str(file))


# ---------------------------------------------------------------- what the scripts set that netlint does not run

NOT_A_DEVICE = object()
_DEVICE_FLAGS = {"cuda", "use_cuda", "use_gpu", "gpu", "on_gpu", "is_cuda", "cuda_available", "multi_gpu", "use_cudnn"}
_DEVICE_LISTS = {"gpu_ids", "device_ids", "gpus", "devices", "gpu_list"}


def device_value(name: str) -> Any:
    """What an option that says where the model runs is on the CPU: a flag False, a list of
    ids empty, a device ``"cpu"``; else ``NOT_A_DEVICE``."""
    lowered = name.lower()
    if lowered in _DEVICE_FLAGS:
        return False
    if lowered in _DEVICE_LISTS:
        return []
    if lowered == "device" or lowered.endswith("_device") or lowered.startswith("device_"):
        return "cpu"
    return NOT_A_DEVICE


def _set_by_scripts(root: Path, names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """For each of ``names``, the first statement of the project's files that sets it on an
    options object (``args.device = torch.device('cuda:0')``): "main.py:121 sets args.device = ..."."""
    from netlint.paths import display_path

    found: dict[str, str] = {}
    wanted = set(names)
    for file in project_python_files(root) if wanted else ():
        if not any(f".{name}" in file_text(file) for name in wanted):
            continue
        tree = file_tree(file)
        for node in ast.walk(tree) if tree is not None else ():
            if not isinstance(node, ast.Assign):
                continue
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in wanted and target.attr not in found \
                        and isinstance(target.value, ast.Name) and target.value.id.lower() in OPTION_NAMES:
                    text = ast.unparse(node)
                    text = text if len(text) <= 80 else text[:77] + "..."
                    found[target.attr] = f"{display_path(file)}:{node.lineno} sets {text}"
        if len(found) == len(wanted):
            break
    return tuple((name, found[name]) for name in names if name in found)


# ---------------------------------------------------------------- the project's parsers, once per run

_CACHE: dict[Path, tuple[tuple, list[Parsed], list[Extender]]] = {}


def _project_parsers(root: Path, own: Path | None, own_namespace: dict[str, Any]
                     ) -> tuple[list[Parsed], list[Extender]]:
    """Every namespace the project's parser files give and the project's option extenders,
    computed once per project (again when a file changed), without changing the modules the
    model's own imports see."""
    files = []
    for i, file in enumerate(python_files(root)):
        if i == MAX_FILES:
            break
        if not in_other_project(file, root) and _has_parser(file):
            files.append(file.resolve())
    signature = tuple((str(f), *_stamp(f)) for f in files)
    cached = _CACHE.get(root.resolve())
    if cached is not None and cached[0] == signature:
        return cached[1], cached[2]
    parsed: list[Parsed] = []
    for file in files:  # each file alone: two copies of a project have the same module names
        with _isolated():
            namespace = own_namespace if file == own else _imported(file)
            parsed += _parsed(file, namespace) if namespace is not None else _failed_file(file)
    extenders = [e for file in files for e in _extenders(file)]
    _CACHE[root.resolve()] = (signature, parsed, extenders)
    return parsed, extenders


def _stamp(file: Path) -> tuple[int, int]:
    try:
        stat = file.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@contextlib.contextmanager
def _isolated() -> Iterator[None]:
    """The project's modules imported so far are set aside, and those imported meanwhile
    forgotten afterwards, ``sys.path`` restored: two copies of a project in one tree
    (``TrainCode/code`` and ``TestCode/code``, each with its ``model`` package) each import
    their own modules, and never answer the model's own imports."""
    path = list(sys.path)
    aside = {name: module for name, module in list(sys.modules.items()) if _users(module)}
    for name in aside:
        del sys.modules[name]
    try:
        yield
    finally:
        # all judged before any is removed: a namespace package's path is recalculated from its parent's
        for name in [name for name, module in list(sys.modules.items()) if _users(module)]:
            del sys.modules[name]
        sys.modules.update(aside)
        sys.path[:] = path


def _users(module: Any) -> bool:
    """A module of the user's project (a file outside installed libraries, or a namespace
    package of the user's folders), not a library, built-in or stand-in."""
    from netlint.user_code import is_library_file

    if getattr(module, "__file__", None) is not None:
        return is_project_file_module(module)
    try:
        folders = list(getattr(module, "__path__", None) or [])
    except KeyError:  # a namespace package whose parent package is gone from sys.modules
        return False
    return bool(folders) and not any(is_library_file(f) for f in folders)


def _has_parser(file: Path) -> bool:
    try:
        text = read_source(file)
    except (OSError, ValueError):
        return False
    return "add_argument" in text or "set_defaults" in text


def _imported(file: Path) -> dict[str, Any] | None:
    """The file's definitions, imported as netlint imports the project's files."""
    from netlint.target import Target
    from netlint.load.importer import import_target_module
    from netlint.user_code import LoadError

    try:
        with _command_line(file):
            return vars(import_target_module(Target(display=str(file), name="", path=file)))
    except (LoadError, Exception, SystemExit):
        return None


@contextlib.contextmanager
def _command_line(file: Path) -> Iterator[None]:
    """``sys.argv`` is the file alone (parsing gives the defaults); argparse's messages unseen."""
    argv = sys.argv
    sys.argv = [str(file)]
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        sys.argv = argv


def _failed_file(file: Path) -> list[Parsed]:
    """A file that does not import (``parse_args()`` at its top level exits for a required
    argument, an import fails): its top-level parser statements alone, else its ``__main__``
    block's."""
    try:
        tree = ast.parse(read_source(file))
    except (OSError, SyntaxError, ValueError):
        return []
    names = {"argparse": argparse, "ArgumentParser": argparse.ArgumentParser}
    found = list(_parser_statements(tree.body, names, file))
    for block in [] if found else [s for s in tree.body if is_main_block(s)]:
        found += _parser_statements(block.body, names, file)
    return found


def _parsed(file: Path, namespace: dict[str, Any]) -> list[Parsed]:
    """The namespaces the file gives: left at its top level, returned or filled by its
    functions and options classes, made by its ``__main__`` block's parser statements."""
    found: list[Parsed] = []
    values = list(namespace.values())  # the namespace the file made (``args.scale`` split) before its parser's
    found += [Parsed(v, file) for v in values if isinstance(v, argparse.Namespace)]
    for value in values:
        if isinstance(value, argparse.ArgumentParser):
            found += _defaults(value, file)
    try:
        tree = ast.parse(read_source(file))
    except (OSError, SyntaxError, ValueError):
        return found
    for node in tree.body:
        value = namespace.get(getattr(node, "name", ""))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _fills_parser(node) and callable(value):
            found += _called(value, file)
        elif isinstance(node, ast.ClassDef) and inspect.isclass(value):
            found += _options_class(node, value, file)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _makes_own_parser(node):
            # a ``main()`` that parses, then trains: its parser statements alone
            found += _parser_statements(node.body, namespace, file, after=_after_parsing(node.body, namespace))
        elif is_main_block(node):
            found += _parser_statements(node.body, namespace, file, after=_after_parsing(node.body, namespace))
    return found


_PARSER_CALLS = {"add_argument", "add_argument_group", "add_mutually_exclusive_group", "set_defaults",
                 "add_subparsers", "add_parser", "print"}


def _fills_parser(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A function that makes or fills a parser and does nothing else: a statement that is a
    call only calls the parser's methods (or the same method of a base, ``initialize``), no
    ``while`` loop; one that makes a parser returns something. A ``main()`` that parses and
    then trains is not one."""
    calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
    if not any(_called_name(c) in ("ArgumentParser", "add_argument") for c in calls):
        return False
    for statement in ast.walk(node):
        if isinstance(statement, (ast.While, ast.With, ast.AsyncWith)):
            return False
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) and \
                _called_name(statement.value) not in _PARSER_CALLS | {node.name}:
            return False
    makes = any(_called_name(c) == "ArgumentParser" for c in calls)
    return not makes or any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(node))


def _makes_own_parser(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A function whose own statements make a parser and add its options (``def main():
    parser = argparse.ArgumentParser(); parser.add_argument(...); args = parser.parse_args()``)."""
    calls = [s.value for s in node.body if isinstance(s, (ast.Assign, ast.Expr)) and isinstance(s.value, ast.Call)]
    return any(_called_name(c) == "ArgumentParser" for c in calls) and \
        any(_called_name(c) == "add_argument" for c in calls)


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _called(function: Any, file: Path, holder: Any = None, after=()) -> list[Parsed]:
    """Call a function that makes or fills a parser: without arguments, or with a new parser."""
    try:
        parameters = [p for p in inspect.signature(function).parameters.values()
                      if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return []
    parser = argparse.ArgumentParser() if len(parameters) == 1 else None
    if len(parameters) > 1:
        return []
    try:
        with _command_line(file):
            result = function(parser) if parser is not None else function()
    except (Exception, SystemExit):
        return []
    found: list[Parsed] = []
    for value in (result if isinstance(result, tuple) else (result,)):
        if isinstance(value, argparse.Namespace):
            found.append(Parsed(value, file, holder=holder, after=after))
        elif isinstance(value, argparse.ArgumentParser):
            found += _defaults(value, file, holder, after)
    if parser is not None and result is None:
        found += _defaults(parser, file, holder, after)
    return found


def _options_class(node: ast.ClassDef, cls: type, file: Path) -> list[Parsed]:
    """``BaseOptions().initialize(parser)``, or ``self.parser`` after ``initialize()`` (also
    when its constructor calls it, or adds the options itself); what its methods (``parse()``)
    set on the parsed options, with the instance as ``self``."""
    methods = [m for m in node.body if isinstance(m, ast.FunctionDef) and m.name != "__init__" and _fills_parser(m)]
    init = next((m for m in node.body if isinstance(m, ast.FunctionDef) and m.name == "__init__"), None)
    own = {m.name for m in methods}
    adds = init is not None and any(isinstance(c, ast.Call) and _called_name(c) == "add_argument"
                                    for c in ast.walk(init))
    if not (methods or adds) or (init is not None and not _only_sets_up(init, own)):
        return []
    try:
        with _command_line(file):
            instance = cls()
    except (Exception, SystemExit):
        return []
    after = tuple(item for klass in reversed(cls.__mro__) for item in _methods_after_parsing(klass))
    found: list[Parsed] = []
    for method in methods or [None]:
        if method is not None:
            found += _called(getattr(instance, method.name), file, instance, after)
        for value in list(vars(instance).values()):
            if isinstance(value, argparse.ArgumentParser):
                found += _defaults(value, file, instance, after)
    return found


def _only_sets_up(init: ast.FunctionDef, fillers: set[str] = frozenset()) -> bool:
    """An options class's constructor that only sets attributes (``self.parser =
    argparse.ArgumentParser()``, ``self.initialized = False``), adds options, or calls the
    class's methods that add them (``self.initialize()``)."""
    return all(not isinstance(s, (ast.While, ast.With, ast.AsyncWith, ast.For))
               and not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                        and _called_name(s.value) not in _PARSER_CALLS | {"__init__"}
                        and not (_on_self(s.value.func) and s.value.func.attr in fillers))
               for s in ast.walk(init))


def _parser_statements(body: list[ast.stmt], namespace: dict[str, Any], file: Path, after=()) -> list[Parsed]:
    """The statements that make a parser and add its arguments, run alone: also the calls of
    the project's extenders (``parser = Net.add_model_specific_args(parser)``) and of its
    functions that make a parser (``parser = get_arguments()``, then more options added)."""
    kept: list[ast.stmt] = []
    parsers: set[str] = set()  # the names the kept statements bind
    for s in body:
        if not (isinstance(s, (ast.Assign, ast.Expr)) and isinstance(s.value, ast.Call)):
            continue
        call = s.value
        passes_parser = any(isinstance(a, ast.Name) and a.id in parsers for a in call.args)
        if _called_name(call) in ("ArgumentParser", "add_argument", "add_argument_group", "set_defaults") or \
                (passes_parser and _is_extender(dotted_value(call.func, namespace))) or \
                (isinstance(s, ast.Assign) and not call.args and _makes_parser(dotted_value(call.func, namespace))):
            kept.append(s)
            if isinstance(s, ast.Assign):
                parsers |= {t.id for t in s.targets if isinstance(t, ast.Name)}
    if not kept:
        return []
    scope = {"argparse": argparse, **namespace}  # (a ``__main__`` block may import argparse itself)
    try:
        with _command_line(file):
            exec(compile(ast.Module(body=kept, type_ignores=[]), str(file), "exec"), scope)
    except (Exception, SystemExit):
        return []
    found: list[Parsed] = []
    for name, value in scope.items():
        if isinstance(value, argparse.ArgumentParser) and namespace.get(name) is not value:
            found += _defaults(value, file, after=after)
    return found


def _makes_parser(function: Any) -> bool:
    """A function of the project that only makes a parser and returns it (``get_arguments()``)."""
    from netlint.user_code import is_library_file

    try:
        if not inspect.isfunction(function) or is_library_file(inspect.getsourcefile(function) or ""):
            return False
        node = parse_function(function).body[0]
    except (OSError, TypeError, SyntaxError, ValueError):
        return False
    return isinstance(node, ast.FunctionDef) and _fills_parser(node) and \
        any(isinstance(c, ast.Call) and _called_name(c) == "ArgumentParser" for c in ast.walk(node))


def _defaults(parser: argparse.ArgumentParser, file: Path, holder: Any = None, after=()) -> list[Parsed]:
    """What the parser gives for an empty command line; without its required arguments, the
    defaults of the others."""
    parsed = _parse_empty(parser, file)
    if parsed is None:
        return []
    return [Parsed(parsed, file, parser, holder, after)]


def _parse_empty(parser: argparse.ArgumentParser, file: Path) -> argparse.Namespace | None:
    try:
        with _command_line(file):
            return parser.parse_known_args([])[0]
    except (Exception, SystemExit):
        pass
    try:
        values = {a.dest: a.default for a in parser._actions
                  if a.dest != argparse.SUPPRESS and a.default != argparse.SUPPRESS}
    except AttributeError:
        return None
    return argparse.Namespace(**values)


# ---------------------------------------------------------------- what the project sets after parsing

_PARSE_CALLS = {"parse_args", "parse_known_args", "parse", "gather_options", "parse_opt", "get_args", "get_opt"}
PURE_FUNCTIONS = {"int", "float", "str", "bool", "list", "tuple", "dict", "set", "len", "map", "filter", "range",
                   "min", "max", "sum", "abs", "round", "sorted", "zip", "enumerate", "any", "all", "vars",
                   "getattr", "hasattr", "isinstance"}
PURE_METHODS = {"split", "strip", "rstrip", "lstrip", "lower", "upper", "replace", "join", "format", "startswith",
                 "endswith", "get", "items", "keys", "values", "copy", "count", "index", "rsplit", "title"}


def _methods_after_parsing(cls: type) -> list[tuple[str, tuple[ast.stmt, ...]]]:
    """For each method of the options class defined in the project, what it sets on the
    options it parses."""
    from netlint.user_code import is_library_file

    found = []
    for value in vars(cls).values():
        if not inspect.isfunction(value):
            continue
        try:
            if is_library_file(inspect.getsourcefile(value) or ""):
                continue
            tree = parse_function(value)
        except (OSError, TypeError, SyntaxError, ValueError):
            continue
        function = tree.body[0]
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found += _after_parsing(function.body)
    return found


def _after_parsing(body: list[ast.stmt], namespace: dict[str, Any] | None = None
                   ) -> list[tuple[str, tuple[ast.stmt, ...]]]:
    """The pure assignments of a block that follow its parsing of the options (``opt =
    self.gather_options()``, ``args = parser.parse_args()``): to the options' attributes
    (``opt.isTrain = self.isTrain``, ``opt.gpu_ids = []``) and to plain names they read
    (``str_ids = opt.gpu_ids.split(',')``), also those of a project function the block gives
    the options to (``opt = functions.post_config(opt)``: its own, on its parameter, resolved
    in ``namespace``); loops, conditions and calls with effects are left."""
    found = []
    for i, statement in enumerate(body):
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and \
                isinstance(statement.value, ast.Call) and _called_name(statement.value) in _PARSE_CALLS:
            target = statement.targets[0]
            name = target.id if isinstance(target, ast.Name) else \
                target.elts[0].id if isinstance(target, ast.Tuple) and target.elts and \
                isinstance(target.elts[0], ast.Name) else None
            if name is None:
                continue
            kept = tuple(s for later in body[i + 1:] for s in (*_filled_by(later, name, namespace or {}), later)
                         if _pure_assignment(s, name) or _sets_options(s, name))
            if kept:
                found.append((name, kept))
    return found


def _filled_by(statement: ast.stmt, name: str, namespace: dict[str, Any]) -> list[ast.stmt]:
    """``opt = post_config(opt)`` or ``post_config(opt)``: the statements of the project's
    function on its first parameter, written on ``name``."""
    from netlint.user_code import is_library_file

    call = statement.value if isinstance(statement, (ast.Assign, ast.Expr)) else None
    if not (isinstance(call, ast.Call) and call.args and isinstance(call.args[0], ast.Name)
            and call.args[0].id == name) or not namespace:
        return []
    function = dotted_value(call.func, namespace)
    try:
        if not inspect.isfunction(function) or is_library_file(inspect.getsourcefile(function) or ""):
            return []
        node = parse_function(function).body[0]
    except (OSError, TypeError, SyntaxError, ValueError):
        return []
    parameters = [a.arg for a in node.args.posonlyargs + node.args.args] if isinstance(node, ast.FunctionDef) else []
    if not parameters:
        return []
    renamed = _Renamed(parameters[0], name)
    return [ast.fix_missing_locations(renamed.visit(copy.deepcopy(s))) for s in node.body]  # the tree is shared


class _Renamed(ast.NodeTransformer):
    def __init__(self, old: str, new: str):
        self.old, self.new = old, new

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.copy_location(ast.Name(self.new, node.ctx), node) if node.id == self.old else node


def _sets_options(statement: ast.stmt, name: str) -> bool:
    return isinstance(statement, ast.Assign) and any(
        isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == name
        for t in statement.targets)


def _pure_assignment(statement: ast.stmt, name: str) -> bool:
    if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return False
    target = statement.targets[0]
    if isinstance(target, ast.Name):
        if target.id == name:
            return False  # the options made again
    elif not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == name):
        return False
    for node in ast.walk(statement.value):
        if isinstance(node, ast.Call):
            func = node.func
            if not ((isinstance(func, ast.Name) and func.id in PURE_FUNCTIONS)
                    or (isinstance(func, ast.Attribute) and func.attr in PURE_METHODS)):
                return False
        elif isinstance(node, (ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)):
            return False
    return True


def _set_after_parsing(source: Parsed, namespace: argparse.Namespace) -> dict[str, str]:
    """Run the pure statements the project runs on the parsed options; the others, and those
    that fail, are left: the options they set, with the statement ("kernels": "opt.kernels =
    kernel_list(opt.kernels)")."""
    left: dict[str, str] = {}
    for name, statements in source.after:
        scope: dict[str, Any] = {name: namespace, "self": source.holder}
        for statement in statements:
            try:
                if not _pure_assignment(statement, name):
                    raise ValueError("not run")
                with _command_line(source.file):
                    exec(compile(ast.Module(body=[statement], type_ignores=[]), str(source.file), "exec"), scope)
            except Exception:
                if _sets_options(statement, name):
                    for target in statement.targets:
                        left[target.attr] = ast.unparse(statement)
            else:
                for target in statement.targets:
                    if isinstance(target, ast.Attribute):
                        left.pop(target.attr, None)
    return left


# ---------------------------------------------------------------- options the model adds to the parser

def _completed(source: Parsed, reads: set[str], factory: Any, extenders: list[Extender],
               own: Path | None) -> tuple[argparse.Namespace, tuple[str, ...], dict[str, str]]:
    """The source's namespace with the model's own options added to its parser, what it still
    lacks from the project's other extenders, and what the project sets after parsing; with
    the extenders used, as "Class.method", and the options left as parsed (statement)."""
    namespace = copy.copy(source.namespace)
    left = _set_after_parsing(source, namespace)
    if source.parser is None:
        return namespace, (), left
    added: list[str] = []
    parser = source.parser
    own_extenders = _class_extenders(factory)
    if own_extenders:
        extended = _extended(parser, own_extenders, source.file)
        if extended is not None:
            parser = extended
            namespace = _parse_empty(parser, source.file) or namespace
            left = _set_after_parsing(source, namespace)
            added += [e.__qualname__ for e in own_extenders if _adds_options(e)]
    missing = reads - set(vars(namespace))
    for extender in sorted(extenders, key=lambda e: _distance(e.file, own)):
        if not missing:
            break
        if not extender.dests & missing or extender.qualname in added:
            continue
        function = _live(extender)
        extended = _extended(parser, [function], source.file) if function is not None else None
        found = _parse_empty(extended, source.file) if extended is not None else None
        if found is None:
            continue
        for key in missing & set(vars(found)):
            setattr(namespace, key, getattr(found, key))
        missing = reads - set(vars(namespace))
        added.append(extender.qualname)
    return namespace, tuple(added), left


def _class_extenders(factory: Any) -> list[Any]:
    """The static and class methods of the model's class (its bases' too, as attribute lookup
    finds them) that add options to a parser: ``modify_commandline_options(parser, is_train)``."""
    if not inspect.isclass(factory):
        return []
    found = []
    names = dict.fromkeys(n for k in factory.__mro__ for n, v in vars(k).items()
                          if isinstance(v, (staticmethod, classmethod)))
    for name in names:
        function = getattr(factory, name, None)
        if function is not None and _is_extender(function):
            found.append(function)
    return found


def _is_extender(function: Any) -> bool:
    from netlint.user_code import is_library_file

    try:
        if is_library_file(inspect.getsourcefile(function) or ""):
            return False
        tree = parse_function(function)
    except (OSError, TypeError, SyntaxError, ValueError):
        return False
    node = tree.body[0]
    return isinstance(node, ast.FunctionDef) and _extender_parameter(node, bound=inspect.ismethod(function)) is not None


def _adds_options(function: Any) -> bool:
    """Whether an extender does something (``BaseNetwork``'s returns the parser as it is)."""
    try:
        tree = parse_function(function)
    except (OSError, TypeError, SyntaxError, ValueError):
        return False
    return any(isinstance(n, ast.Call) for n in ast.walk(tree.body[0]) if n not in tree.body[0].decorator_list)


def _extender_parameter(node: ast.FunctionDef, bound: bool = False) -> str | None:
    """The parser parameter of a function that only adds options to the parser it is given:
    its first parameter (after ``cls``), whose ``add_argument``/``set_defaults`` it calls or
    that it passes on; no loop, no ``with``, no other call as a statement."""
    parameters = [a.arg for a in node.args.posonlyargs + node.args.args]
    if bound or (parameters and parameters[0] in ("self", "cls")):
        parameters = parameters[1:]
    if not parameters:
        return None
    parser = parameters[0]
    names = {parser}  # the parser, its groups (``group = parser.add_argument_group('model')``), a child
    assignments = [s for s in ast.walk(node) if isinstance(s, ast.Assign) and isinstance(s.value, ast.Call)
                   and _called_name(s.value) not in _PARSE_CALLS]  # the parsed options are no parser
    for _ in range(3):  # parser (``ArgumentParser(parents=[parent_parser])``), and the child's groups
        for statement in assignments:
            if any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(statement.value)):
                names |= {t.id for t in statement.targets if isinstance(t, ast.Name)}
    uses = False  # it calls a parser's method on it, or returns it (having passed it on)
    for statement in ast.walk(node):
        if isinstance(statement, (ast.While, ast.With, ast.AsyncWith)):
            return None
        if isinstance(statement, ast.Call) and isinstance(statement.func, ast.Attribute) and \
                isinstance(statement.func.value, ast.Name) and statement.func.value.id in names and \
                statement.func.attr in _PARSER_CALLS | {"parse_known_args"}:
            uses = True
        if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Name) and \
                statement.value.id in names:
            uses = True
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            func = call.func
            on_parser = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in names
            passes = any(isinstance(a, ast.Name) and a.id in names for a in call.args)
            if not (on_parser or passes or _called_name(call) == "print"):
                return None
    return parser if uses else None


def _extended(parser: argparse.ArgumentParser, functions: list[Any], file: Path) -> argparse.ArgumentParser | None:
    """A copy of the parser with each function's options added (a second definition of an
    option replaces the first); None when one fails."""
    from netlint.load.importer import project_imports

    try:
        extended = copy.deepcopy(parser)
    except Exception:
        return None
    _resolve_conflicts(extended)
    for function in functions:
        try:
            count = len([p for p in inspect.signature(function).parameters.values()
                         if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)])
        except (TypeError, ValueError):
            return None
        if count not in (1, 2):
            return None
        try:
            with _command_line(file), _isolated(), project_imports():
                result = function(extended, True) if count == 2 else function(extended)  # (parser, is_train)
        except (Exception, SystemExit):
            return None
        if isinstance(result, argparse.ArgumentParser):
            extended = result
    return extended


def _resolve_conflicts(parser: argparse.ArgumentParser) -> None:
    parser.conflict_handler = "resolve"
    for group in parser._action_groups + parser._mutually_exclusive_groups:
        group.conflict_handler = "resolve"


def _extenders(file: Path) -> list[Extender]:
    """The file's functions and static methods that add options to a parser they are given."""
    try:
        tree = ast.parse(read_source(file))
    except (OSError, SyntaxError, ValueError):
        return []
    found = []
    for node in tree.body:
        functions = [(node.name, node)] if isinstance(node, ast.FunctionDef) else \
            [(f"{node.name}.{m.name}", m) for m in node.body if isinstance(m, ast.FunctionDef)] \
            if isinstance(node, ast.ClassDef) else []
        for qualname, function in functions:
            if "." in qualname and not any(_decorator_name(d) in ("staticmethod", "classmethod")
                                           for d in function.decorator_list):
                continue
            parser = _extender_parameter(function)
            if parser is None:
                continue
            dests = frozenset(option_dest(c) for c in ast.walk(function) if isinstance(c, ast.Call)
                              and _called_name(c) == "add_argument" and option_dest(c))
            if dests:
                found.append(Extender(file, qualname, dests))
    return found


def _decorator_name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _live(extender: Extender) -> Any:
    """The extender, imported (the modules its file imports forgotten afterwards)."""
    with _isolated():
        namespace = _imported(extender.file)
    value: Any = None
    if namespace is not None:
        head, *rest = extender.qualname.split(".")
        value = namespace.get(head)
        for part in rest:
            value = getattr(value, part, None)
    return value if callable(value) else None
