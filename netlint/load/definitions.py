"""Run the top level of the user's files for their definitions, not their work.

Each top-level statement runs on its own, in order, so that classes, functions, constants
and argument defaults exist. Not run:

- a ``while`` loop, and a ``for`` loop unless it iterates over a literal collection — a
  tuple, list, set or dict written in the file, a name assigned one at the top level, or
  ``enumerate``/``zip``/``sorted``/``reversed``/``.items()``/``.keys()``/``.values()`` of
  these: the way model files register models; a training loop iterates over a data
  loader or ``range(epochs)``;
- a call, as a statement of its own, of a function the file defines (``main()``,
  ``train(opt)``): a script doing its work.

These rules also apply inside top-level ``if``/``with``/``try`` blocks. Of an ``if __name__ ==
"__main__":`` block only the classes it defines at its top level are defined. A statement that
fails becomes a note and the rest of the file still runs, also one that exits (``sys.exit``,
``exit()``, ``raise SystemExit``, argparse's exit: a script's gate on GPUs, versions or
arguments); a failed import ends the file, as an error. (A third-party module that is not
installed does not fail: it gets a stand-in, ``netlint.load.stand_ins``, and so does a
submodule the installed version of a package lacks, and an installed module that fails for a
module that is not installed — ``torch.utils.tensorboard`` without ``tensorboard``: a missing
requirement; what still fails is an installed module that raises for its own reasons.) While
the file runs, ``torch.utils.cpp_extension.load`` compiles nothing and gives a stand-in.

``from module import a, b`` where the module exists but lacks a name gets a stand-in for
that name, and the rest of the file runs, when the name is missing from an installed
package (``from timm.models.layers import create_attn``: not in the installed version) or
from one of the project's modules because the statement that defines it failed when
imported (a class whose default argument reads a file that is not there); using it while
building is an error that says which. A name the project's module simply does not define
stays an import error of the file. The same holds for such an import inside a top-level
block (a version gate: ``if float(torchvision.__version__[:3]) < 0.7: from torchvision.ops
import _new_empty_tensor``, true again for torchvision 0.21): the block runs again with the
import done. Also for torch and torchvision: they are installed, and code written for
another version of them is what a missing name means.
"""

from __future__ import annotations

import __future__
import ast
import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from netlint.arguments.parser_defaults import defaults_for_required, parses_options
from netlint.paths import display_path
from netlint.load.sandbox import exit_reason, refusals
from netlint.load.stand_ins import (NEVER, ProjectExtensionLoader, StandInModule, extensions_stood_in,
                                    installed_version, stand_in_extension_builders, stand_in_for_module,
                                    stand_in_for_name)
from netlint.user_code import LoadError, error_from, first_line, is_library_file
from netlint.source import read_source

_ITERATION_WRAPPERS = {"enumerate", "zip", "sorted", "reversed", "list", "tuple", "set"}
_MAPPING_VIEWS = {"items", "keys", "values"}

# what running the top level of the user's files noted, in order: (path shown, line, text)
notes: list[tuple[str, int, str]] = []
# a user's file -> its top-level statements that failed: (line, names they define, failure)
failed_statements: dict[str, list[tuple[int, set[str], str]]] = {}


class DefinitionsLoader(importlib.machinery.SourceFileLoader):
    """Loads a user's module by running its top level statement by statement (see above);
    no bytecode is read or written."""

    def exec_module(self, module: ModuleType) -> None:
        run_definitions(module, Path(self.path), read_source(self.path))


class ProjectFinder:
    """A meta path finder: the user's own modules (not the standard library's or an installed
    package's) load with DefinitionsLoader, its compiled extensions with ProjectExtensionLoader."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.origin is None or is_library_file(spec.origin):
            return spec
        if isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            spec.loader = DefinitionsLoader(name, spec.origin)
        elif isinstance(spec.loader, importlib.machinery.ExtensionFileLoader):
            spec.loader = ProjectExtensionLoader(name, spec.origin)
        return spec

    @classmethod
    def invalidate_caches(cls) -> None:
        pass


def spec_for_file(name: str, path: Path):
    return importlib.util.spec_from_file_location(name, path, loader=DefinitionsLoader(name, str(path)))


def run_definitions(module: ModuleType, path: Path, source: str) -> None:
    shown = display_path(path)
    tree = ast.parse(source, filename=str(path))
    flags = _future_flags(tree)
    skipper = _WorkSkipper(shown)
    failed = failed_statements[str(path)] = []
    for statement in tree.body:
        statement = skipper.visit_top_level(statement)
        if statement is None:
            continue
        refused, extensions = len(refusals()), len(extensions_stood_in)
        try:
            _run_statement(statement, module, path, flags)
        except LoadError:  # a module this one imports exits or misses an import
            raise
        except SystemExit as exc:  # a script's gate (too few GPUs, an old version, a missing argument)
            if parses_options(statement) and _parsed_with_defaults(statement, module, path, flags):
                continue
            reason = f"it exits: {exit_reason(exc)}"
            failed.append((statement.lineno, _defined_names(statement), reason))
            notes.append((shown, statement.lineno, f"this top-level statement failed when imported ({reason}); "
                                                   "netlint skipped it and the rest of the file ran"))
        except ImportError as exc:
            try:
                stood_in = _stand_in_and_rerun(statement, module, exc, path, flags) \
                    or _stand_in_failing_libraries(statement, module, exc, path, flags)
            except ImportError as failure:
                raise error_from(failure, str(path), message=_import_failure(failure)) from failure
            if not stood_in:
                raise error_from(exc, str(path), message=_import_failure(exc)) from exc
            notes.append((shown, statement.lineno, f"{first_line(exc)}: stood in for {', '.join(stood_in)}"))
        except Exception as exc:
            failure = first_line(exc)
            failed.append((statement.lineno, _defined_names(statement), failure))
            hidden = [r for r in refusals()[refused:] if r not in failure]  # a refusal it turned into another error
            after = f", after {hidden[0]}" if hidden else ""
            notes.append((shown, statement.lineno, f"this top-level statement failed when imported "
                                                   f"({failure}{after}); the rest of the file ran"))
        else:
            for refusal in refusals()[refused:]:
                notes.append((shown, statement.lineno, f"{refusal} (the code caught it and went on)"))
        for extension in extensions_stood_in[extensions:]:
            notes.append((shown, statement.lineno, f"the extension {extension!r} was not compiled "
                                                   "(netlint compiles nothing): a stand-in, which a model may not use"))
        stand_in_extension_builders(module.__dict__)
        skipper.learn(statement)


def _parsed_with_defaults(statement: ast.stmt, module: ModuleType, path: Path, flags: int) -> bool:
    """``opt = parser.parse_args()`` that exits for an option the command line must give:
    the options' defaults instead (that one None), so the globals the file computes from
    them (``nz = int(opt.nz)``) exist."""
    try:
        with defaults_for_required() as given:
            _run_statement(statement, module, path, flags)
    except (Exception, SystemExit):
        return False
    notes.append((display_path(path), statement.lineno, f"the command line must give {', '.join(given)}: "
                                                        "netlint parsed the options' defaults, with None for it"))
    return True


def _run_statement(statement: ast.stmt, module: ModuleType, path: Path, flags: int) -> None:
    """One top-level statement of the file, run in its module with the file's future flags."""
    exec(compile(ast.Module([statement], type_ignores=[]), str(path), "exec", flags=flags, dont_inherit=True),
         module.__dict__)


def _stand_in_and_rerun(statement: ast.stmt, module: ModuleType, exc: ImportError, path: Path,
                        flags: int) -> list[str]:
    """Stand-ins for the names an import lacks (``_stand_in_missing_names``), also for an
    import inside a top-level block, a version gate copied from another project (``if
    float(torchvision.__version__[:3]) < 0.7: from torchvision.ops import _new_empty_tensor``,
    where "0.21"[:3] is "0.2"): the block runs again with that import done, until it runs
    through. The names stood in for; none when the first failure is the file's import error
    (an import error the block meets later is raised)."""
    if isinstance(statement, ast.ImportFrom):
        return _stand_in_missing_names(statement, module, exc)

    def import_done(current: ast.stmt, failure: ImportError) -> tuple[ast.stmt, list[str]] | None:
        inner = _import_at(current, failure, path)
        names = _stand_in_missing_names(inner, module, failure) if inner is not None else []
        return (_ImportDone(inner).visit(current), names) if names else None

    tries = len([n for n in ast.walk(statement) if isinstance(n, ast.ImportFrom)])
    return _rerun_with_stand_ins(statement, module, exc, path, flags, import_done, tries)


def _stand_in_failing_libraries(statement: ast.stmt, module: ModuleType, exc: ImportError, path: Path,
                                flags: int) -> list[str]:
    """An installed module the statement imports that fails for a module that is not
    installed (``torch.utils.tensorboard`` without ``tensorboard``, a logger of
    pytorch_lightning without its backend): a missing requirement, so the module gets a
    stand-in that says what it needs, and the statement runs again. An installed module that
    fails for its own reasons keeps its error. The modules stood in for."""

    def library_stood_in(current: ast.stmt, failure: ImportError) -> tuple[ast.stmt, list[str]] | None:
        broken = _library_missing_a_requirement(current, module, failure)
        if broken is None:
            return None
        name, needed = broken
        stand_in_for_module(name, f"is installed but needs {needed}, which is not installed: "
                                  "install the project's requirements")
        return current, [f"{name} (needs {needed})"]

    return _rerun_with_stand_ins(statement, module, exc, path, flags, library_stood_in, 3)


def _rerun_with_stand_ins(statement: ast.stmt, module: ModuleType, exc: ImportError, path: Path, flags: int,
                          stand_in, tries: int) -> list[str]:
    """Run the statement again after each ``stand_in(statement, failure)`` (the statement to
    run and the names stood in for, or None when it can do nothing), at most ``tries`` times,
    until it runs through. The names stood in for; none when nothing was stood in for; the
    last import error when the stand-ins did not help."""
    stood_in: list[str] = []
    for _ in range(tries):
        done = stand_in(statement, exc)
        if done is None:
            break
        statement, names = done
        stood_in += names
        try:
            _run_statement(statement, module, path, flags)
            return stood_in
        except ImportError as again:
            exc = again
    if stood_in:
        raise exc
    return []


def _library_missing_a_requirement(statement: ast.stmt, module: ModuleType,
                                   exc: ImportError) -> tuple[str, str] | None:
    """(the installed module the statement imports, the module it lacks) when ``exc`` is an
    installed library's import of a top-level module that is not installed."""
    needed = exc.name if isinstance(exc, ModuleNotFoundError) else None
    if not needed or needed.partition(".")[0] in NEVER or _findable(needed.partition(".")[0]):
        return None
    raised_in = [t.tb_frame.f_code.co_filename for t in _frames(exc.__traceback__)]
    if not any(is_library_file(f) and not f.startswith("<frozen") for f in raised_in[1:]):
        return None  # the project's own import of it: a stand-in was refused (a guarded import)
    for name in _imported_modules(statement, module):
        if name in sys.modules:
            continue
        parent = name.rpartition(".")[0]
        if parent and parent not in sys.modules:
            return None
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            return None
        if spec is None or not spec.origin or not is_library_file(spec.origin):
            return None
        return name, needed
    return None


def _findable(top: str) -> bool:
    return importlib.machinery.PathFinder.find_spec(top) is not None


def _frames(trace):
    while trace is not None:
        yield trace
        trace = trace.tb_next


def _imported_modules(statement: ast.stmt, module: ModuleType) -> list[str]:
    """The modules a statement's imports load, each package before its modules:
    ``torch``, ``torch.utils``, ``torch.utils.tensorboard`` for ``from torch.utils.tensorboard
    import SummaryWriter`` (and ``torch.utils.tensorboard`` for ``from torch.utils import
    tensorboard``)."""
    names: list[str] = []
    for node in ast.walk(statement):
        if isinstance(node, ast.Import):
            dotted = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            try:
                base = importlib.util.resolve_name("." * node.level + (node.module or ""), module.__package__)
            except (ImportError, ValueError):
                continue
            dotted = [base, *(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")]
        else:
            continue
        for name in dotted:
            parts = name.split(".")
            names += [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return list(dict.fromkeys(names))


def _import_at(statement: ast.stmt, exc: ImportError, path: Path) -> ast.ImportFrom | None:
    """The ``from ... import`` of the block that raised ``exc``."""
    line, trace = None, exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == str(path):
            line = trace.tb_lineno
        trace = trace.tb_next
    return next((n for n in ast.walk(statement) if isinstance(n, ast.ImportFrom) and n.lineno == line), None)


class _ImportDone(ast.NodeTransformer):
    """A copy of a block with one import replaced by ``pass`` (its names are bound already)."""

    def __init__(self, done: ast.ImportFrom) -> None:
        self.done = done

    def visit(self, node: ast.AST) -> ast.AST:
        if node is self.done:
            return ast.copy_location(ast.Pass(), node)
        return super().visit(node)


def _stand_in_missing_names(statement: ast.stmt, module: ModuleType, exc: ImportError) -> list[str]:
    """For ``from source import a, b`` that failed on a name ``source`` lacks (see the module
    docstring): binds every name, stand-ins for the missing; the names stood in for, none
    when this is an import error of the file."""
    if not isinstance(statement, ast.ImportFrom) or any(alias.name == "*" for alias in statement.names):
        return []
    try:
        name = importlib.util.resolve_name("." * statement.level + (statement.module or ""), module.__package__)
    except (ImportError, ValueError):
        return []
    source = sys.modules.get(name)
    if name != exc.name or source is None or isinstance(source, StandInModule):
        return []
    location = getattr(source, "__file__", None) or ""
    if is_library_file(location):
        reason = f"is not in the installed {installed_version(name)}"
    else:
        failures = failed_statements.get(str(Path(location)), [])
        missing = {a.name for a in statement.names if not hasattr(source, a.name)}
        why = next((f for f in failures if f[1] & missing), None)
        if why is None:
            return []  # the project's module does not define it: the file's import error
        reason = f"is not defined: {display_path(Path(location))}:{why[0]} failed when imported ({why[2]})"
    stood_in = []
    for alias in statement.names:
        value = getattr(source, alias.name, None)
        if value is None and not hasattr(source, alias.name):  # (the import already tried a submodule)
            value = stand_in_for_name(name, alias.name, reason)
            stood_in.append(f"{name}.{alias.name}")
        module.__dict__[alias.asname or alias.name] = value
    return stood_in


def _defined_names(statement: ast.stmt) -> set[str]:
    """The names a top-level statement binds (a class, a function, assignments, imports)."""
    if isinstance(statement, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return {statement.name}
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).partition(".")[0] for a in statement.names}
    return {n.id for n in ast.walk(statement) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _future_flags(tree: ast.Module) -> int:
    flags = 0
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            for alias in statement.names:
                flags |= getattr(__future__, alias.name).compiler_flag
    return flags


def _import_failure(exc: ImportError) -> str:
    name = getattr(exc, "name", None)
    if isinstance(exc, ModuleNotFoundError) and name:
        top = name.split(".")[0]
        try:
            installed = importlib.util.find_spec(top) is not None
        except (ImportError, ValueError):
            installed = False
        if not installed:
            return f"ModuleNotFoundError: {name} — install the project's requirements"
    return first_line(exc)


class _WorkSkipper:
    """Decides which top-level statements are work (see the module docstring)."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.literals: set[str] = set()  # names assigned a literal collection at the top level
        self.functions: set[str] = set()  # functions the file defines

    def visit_top_level(self, statement: ast.stmt) -> ast.stmt | None:
        if self._is_work(statement):
            return None
        if isinstance(statement, ast.If) and _is_main_guard(statement.test):
            classes = [s for s in statement.body if isinstance(s, ast.ClassDef)]
            if not classes:
                return statement  # does not run when imported
            # only its classes are defined (a script that defines its model where it trains it)
            return ast.fix_missing_locations(ast.copy_location(ast.If(ast.Constant(True), classes, []), statement))
        if isinstance(statement, (ast.If, ast.With, ast.Try)):
            self._skip_inside(statement)
        return statement

    def _skip_inside(self, compound: ast.stmt) -> None:
        for field in ("body", "orelse", "finalbody"):
            block = getattr(compound, field, None)
            if block:
                kept = [s for s in block if not self._is_work(s)]
                for s in kept:
                    if isinstance(s, (ast.If, ast.With, ast.Try)):
                        self._skip_inside(s)
                setattr(compound, field, kept or [ast.copy_location(ast.Pass(), block[0])])
        for handler in getattr(compound, "handlers", ()):
            self._skip_inside(handler)

    def _is_work(self, statement: ast.stmt) -> bool:
        if isinstance(statement, ast.While):
            reason = "a top-level while loop"
        elif isinstance(statement, (ast.For, ast.AsyncFor)) and not self._literal(statement.iter):
            reason = "a top-level for loop that does not iterate over a literal collection"
        elif (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
              and isinstance(statement.value.func, ast.Name) and statement.value.func.id in self.functions):
            reason = f"a call of {statement.value.func.id}(), a function of this file"
        else:
            return False
        notes.append((self.shown, statement.lineno, f"{reason} was not run (netlint runs a file's "
                                                    "definitions, not its work)"))
        return True

    def _literal(self, node: ast.expr) -> bool:
        if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
            return True
        if isinstance(node, ast.Name):
            return node.id in self.literals
        if isinstance(node, ast.Call) and not node.keywords:
            func = node.func
            if isinstance(func, ast.Name) and func.id in _ITERATION_WRAPPERS:
                return bool(node.args) and all(self._literal(arg) for arg in node.args)
            if isinstance(func, ast.Attribute) and func.attr in _MAPPING_VIEWS and not node.args:
                return self._literal(func.value)
        return False

    def learn(self, statement: ast.stmt) -> None:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.functions.add(statement.name)
        elif isinstance(statement, ast.Assign) and self._literal(statement.value):
            self.literals |= {t.id for t in statement.targets if isinstance(t, ast.Name)}
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None and self._literal(statement.value):
            if isinstance(statement.target, ast.Name):
                self.literals.add(statement.target.id)


def _is_main_guard(test: ast.expr) -> bool:
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
            and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")

