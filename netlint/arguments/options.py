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
    the constructor indexes (``config['depth']``) is a mapping, not options."""
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return {}
    names = [n for n in required if n in parameters and (n.lower() in OPTION_NAMES or _namespace_annotated(parameters[n]))]
    if not names:
        return {}
    tree = _constructor_tree(factory)
    found: dict[str, set[str]] = {}
    for name in names:
        read: set[str] = set()
        indexed = False
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name:
                read.add(node.attr)
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name:
                indexed = True
        if not indexed:
            found[name] = {a for a in read if not a.startswith("__") and a not in _METHODS}
    return found


_METHODS = {"get", "items", "keys", "values"}  # a dict's, not options read


def _namespace_annotated(parameter: inspect.Parameter) -> bool:
    annotation = parameter.annotation
    return annotation is argparse.Namespace or (isinstance(annotation, str) and annotation.split(".")[-1] == "Namespace")


def _constructor_tree(factory: Any) -> ast.AST | None:
    init = factory.__init__ if inspect.isclass(factory) else factory
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(init)))
    except (OSError, TypeError, SyntaxError):
        return None


def project_options(reads: set[str], own_path: Path | None, own_namespace: dict[str, Any],
                    root: Path) -> Options | None:
    """The project's options that define most of ``reads``, the model's own file first."""
    best: Options | None = None
    for where, namespace in _namespaces(own_path, own_namespace, root):
        missing = tuple(sorted(reads - set(vars(namespace))))
        if best is None or len(missing) < len(best.missing):
            best = Options(namespace, where, missing)
        if not missing:
            break
    return best


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
        if namespace is not None:
            for found in _parsed(file, namespace):
                yield display_path(file), found


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
        elif _is_main_block(node):
            yield from _main_block(node, namespace, file)


def _fills_parser(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and _called_name(n) in ("ArgumentParser", "add_argument")
               for n in ast.walk(node))


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
    if not methods:
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


def _is_main_block(node: ast.stmt) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and isinstance(test, ast.Compare) and \
        isinstance(test.left, ast.Name) and test.left.id == "__name__"


def _main_block(node: ast.If, namespace: dict[str, Any], file: Path) -> Iterator[argparse.Namespace]:
    """The statements of the block that make a parser and add its arguments, run alone."""
    kept = [s for s in node.body if isinstance(s, (ast.Assign, ast.Expr)) and isinstance(s.value, ast.Call)
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
