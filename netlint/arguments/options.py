"""An options object for a constructor that takes the project's parsed command line
(``def __init__(self, args): n_feats = args.n_feats``), made from the defaults of the
project's own argparse parsers: a ``Namespace`` its files leave at their top level
(``args = parser.parse_args()``), the parsers their functions return or fill
(``get_args()``, ``add_args(parser)``), their options classes (``BaseOptions().initialize
(parser)``) and their ``if __name__ == "__main__":`` blocks (only the statements that make
the parser and add its arguments). The command line is the file alone, so parsing gives the
defaults. Among those, the one that defines most of the attributes the constructor reads on
the parameter wins, the model's own file first."""

from __future__ import annotations

import argparse
import ast
import contextlib
import inspect
import io
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netlint.class_scan import is_main_block
from netlint.project import python_files

OPTION_NAMES = {"args", "arg", "opt", "opts", "option", "options", "cfg", "config", "conf", "hparams",
                "hp", "hps", "params", "flags"}
MAX_FILES = 2000


@dataclass(frozen=True)
class Options:
    namespace: argparse.Namespace
    where: str  # "option.py"
    missing: tuple[str, ...]  # the attributes the constructor reads that the namespace lacks


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
        if read or (read is not None and _namespace_annotated(parameters[name])):
            found[name] = read
    return found


_METHODS = {"get", "items", "keys", "values"}  # a dict's, not options read
MAX_DEPTH = 3  # calls followed when the options are passed on (``super().__init__(opt)``, ``Body(args)``)


def _namespace_annotated(parameter: inspect.Parameter) -> bool:
    annotation = parameter.annotation
    return annotation is argparse.Namespace or \
        (isinstance(annotation, str) and annotation.split(".")[-1] == "Namespace")


def _reads(factory: Any, name: str, depth: int = 0) -> set[str] | None:
    """The attributes read on parameter ``name`` of a class's constructor or a function, also
    in the project's constructors and functions it passes the parameter to; None when it is
    indexed (a mapping)."""
    from netlint.load.user_code import is_library_file

    owner = factory if inspect.isclass(factory) else None
    function = _own_init(factory) if owner is not None else factory
    try:
        if function is None or is_library_file(inspect.getsourcefile(function) or ""):
            return set()
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
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
    return read


def _own_init(cls: type) -> Any:
    init = next((vars(k)["__init__"] for k in cls.__mro__ if "__init__" in vars(k)), None)
    return None if init is None or init is object.__init__ else init


def _passed_to(call: ast.Call, name: str, function: Any, owner: type | None) -> Iterator[tuple[Any, str]]:
    """(callee, its parameter) for each place ``call`` passes the name ``name``."""
    callee = _callee(call.func, function, owner)
    if callee is None:
        return
    try:
        parameters = list(inspect.signature(callee).parameters.values())
    except (TypeError, ValueError):
        return
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for position, argument in enumerate(call.args):
        if isinstance(argument, ast.Name) and argument.id == name and position < len(positional):
            yield callee, positional[position].name
    for keyword in call.keywords:
        if isinstance(keyword.value, ast.Name) and keyword.value.id == name and keyword.arg:
            yield callee, keyword.arg


def _callee(func: ast.expr, function: Any, owner: type | None) -> Any:
    """What a call calls, resolved in the function's module: a name, a dotted name, or
    ``super().__init__`` (the next class's constructor, as a class)."""
    if isinstance(func, ast.Attribute) and func.attr == "__init__":
        inner = func.value
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "super" and owner:
            defining = next((k for k in owner.__mro__ if vars(k).get("__init__") is function), owner)
            mro = owner.__mro__
            return next((k for k in mro[mro.index(defining) + 1:] if "__init__" in vars(k)), None)
        func = inner  # ``Base.__init__(self, opt)``: the function itself, ``self`` first
        plain = _callee(func, function, None)
        return vars(plain).get("__init__") if inspect.isclass(plain) else None
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.insert(0, func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    value = getattr(function, "__globals__", {}).get(func.id)
    for part in parts:
        value = getattr(value, part, None)
    return value if callable(value) else None


def project_options(reads: set[str], target: Any, own_namespace: dict[str, Any],
                    root: Path, most: int = 3) -> list[Options]:
    """The project's options that define most of ``reads``, best first, the model's own file
    first among equals: up to ``most`` that define them all, else the closest. ``target``:
    the model's, whose module ``own_namespace`` is."""
    from netlint.load.importer import import_target_module

    found: list[Options] = []
    try:
        for where, namespace in _namespaces(target.path, own_namespace, root):
            missing = tuple(sorted(reads - set(vars(namespace))))
            if not any(vars(o.namespace) == vars(namespace) for o in found):
                found.append(Options(namespace, where, missing))
            if sum(not o.missing for o in found) == most:
                break
    finally:  # importing the options' files made theirs the project's folders: the model's again
        import_target_module(target)
    found.sort(key=lambda o: len(o.missing))
    complete = [o for o in found if not o.missing]
    return complete or found[:1]


def _namespaces(own_path: Path | None, own_namespace: dict[str, Any], root: Path
                ) -> Iterator[tuple[str, argparse.Namespace]]:
    from netlint.discover import display_path

    own = own_path.resolve() if own_path else None
    files = [own] if own and _has_parser(own) else []
    for i, file in enumerate(python_files(root)):
        if i == MAX_FILES:
            break
        if file.resolve() != own and _has_parser(file):
            files.append(file.resolve())
    for file in files:
        namespace = own_namespace if file == own else _imported(file)
        found = _parsed(file, namespace) if namespace is not None else _failed_file(file)
        for options in found:
            yield display_path(file), options


def _failed_file(file: Path) -> Iterator[argparse.Namespace]:
    """A file that does not import (``parse_args()`` at its top level exits for a required
    argument): its top-level parser statements alone."""
    try:
        tree = ast.parse(file.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return iter(())
    return _parser_statements(tree.body, {"argparse": argparse, "ArgumentParser": argparse.ArgumentParser}, file)


def _has_parser(file: Path) -> bool:
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "add_argument" in text


def _imported(file: Path) -> dict[str, Any] | None:
    """The file's definitions, imported as netlint imports the project's files."""
    from netlint.discover import Target
    from netlint.load.importer import import_target_module
    from netlint.load.user_code import LoadError

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


def _parsed(file: Path, namespace: dict[str, Any]) -> Iterator[argparse.Namespace]:
    """The namespaces the file gives: left at its top level, returned or filled by its
    functions and options classes, made by its ``__main__`` block's parser statements."""
    values = list(namespace.values())  # the namespace the file made (``args.scale`` split) before its parser's
    yield from (v for v in values if isinstance(v, argparse.Namespace))
    for value in values:
        if isinstance(value, argparse.ArgumentParser):
            yield from _defaults(value, file)
    try:
        tree = ast.parse(file.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return
    for node in tree.body:
        value = namespace.get(getattr(node, "name", ""))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _fills_parser(node) and callable(value):
            yield from _called(value, file)
        elif isinstance(node, ast.ClassDef) and inspect.isclass(value):
            yield from _options_class(node, value, file)
        elif is_main_block(node):
            yield from _main_block(node, namespace, file)


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


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _called(function: Any, file: Path) -> Iterator[argparse.Namespace]:
    """Call a function that makes or fills a parser: without arguments, or with a new parser."""
    try:
        parameters = [p for p in inspect.signature(function).parameters.values()
                      if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return
    parser = argparse.ArgumentParser() if len(parameters) == 1 else None
    if len(parameters) > 1:
        return
    try:
        with _command_line(file):
            result = function(parser) if parser is not None else function()
    except (Exception, SystemExit):
        return
    for value in (result if isinstance(result, tuple) else (result,)):
        if isinstance(value, argparse.Namespace):
            yield value
        elif isinstance(value, argparse.ArgumentParser):
            yield from _defaults(value, file)
    if parser is not None and result is None:
        yield from _defaults(parser, file)


def _options_class(node: ast.ClassDef, cls: type, file: Path) -> Iterator[argparse.Namespace]:
    """``BaseOptions().initialize(parser)``, or ``self.parser`` after ``initialize()``."""
    methods = [m for m in node.body if isinstance(m, ast.FunctionDef) and m.name != "__init__" and _fills_parser(m)]
    init = next((m for m in node.body if isinstance(m, ast.FunctionDef) and m.name == "__init__"), None)
    if not methods or (init is not None and not _only_sets_up(init)):
        return
    try:
        with _command_line(file):
            instance = cls()
    except (Exception, SystemExit):
        return
    for method in methods:
        yield from _called(getattr(instance, method.name), file)
        for value in list(vars(instance).values()):
            if isinstance(value, argparse.ArgumentParser):
                yield from _defaults(value, file)


def _only_sets_up(init: ast.FunctionDef) -> bool:
    """An options class's constructor that only sets attributes (``self.parser =
    argparse.ArgumentParser()``, ``self.initialized = False``)."""
    return all(not isinstance(s, (ast.While, ast.With, ast.AsyncWith, ast.For))
               and not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                        and _called_name(s.value) not in _PARSER_CALLS | {"__init__"})
               for s in ast.walk(init))


def _main_block(node: ast.If, namespace: dict[str, Any], file: Path) -> Iterator[argparse.Namespace]:
    return _parser_statements(node.body, namespace, file)


def _parser_statements(body: list[ast.stmt], namespace: dict[str, Any], file: Path) -> Iterator[argparse.Namespace]:
    """The statements that make a parser and add its arguments, run alone."""
    kept = [s for s in body if isinstance(s, (ast.Assign, ast.Expr)) and isinstance(s.value, ast.Call)
            and _called_name(s.value) in ("ArgumentParser", "add_argument", "add_argument_group", "set_defaults")]
    if not kept:
        return
    scope = dict(namespace)
    try:
        with _command_line(file):
            exec(compile(ast.Module(body=kept, type_ignores=[]), str(file), "exec"), scope)
    except (Exception, SystemExit):
        return
    for name, value in scope.items():
        if isinstance(value, argparse.ArgumentParser) and namespace.get(name) is not value:
            yield from _defaults(value, file)


def _defaults(parser: argparse.ArgumentParser, file: Path) -> Iterator[argparse.Namespace]:
    """What the parser gives for an empty command line; without its required arguments, the
    defaults of the others."""
    try:
        with _command_line(file):
            parsed = parser.parse_known_args([])[0]
    except (Exception, SystemExit):
        parsed = None
    if parsed is not None:
        yield parsed
        return
    values = {a.dest: a.default for a in parser._actions
              if a.dest != argparse.SUPPRESS and a.default != argparse.SUPPRESS}
    yield argparse.Namespace(**values)
