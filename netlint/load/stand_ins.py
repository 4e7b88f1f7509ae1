"""Stand-ins for the third-party modules a project imports that are not installed (as
Sphinx's ``autodoc_mock_imports``), so that the project's definitions exist when its data
loaders, metrics or logging need a module its models never touch.

A stand-in is given when the project's own code imports a module that no finder finds and
whose top-level package is not installed, a module of the project's own package that has
no source (an extension that was not built) or whose compiled extension is there but does
not load (``ProjectExtensionLoader``) or that the project compiles at import
(``torch.utils.cpp_extension.load``: ``extension_built_at_import``), or a submodule (or, see
``definitions``, a name) that the installed version of a package does not have
(``timm.models.layers.helpers``, ``torch._six``: it moved, or came later), or an installed
module that fails to import because a module it needs is not installed
(``torch.utils.tensorboard`` without ``tensorboard``: ``stand_in_for_module``); a module that
exists and fails for its own reasons gets none. Never for torch or torchvision themselves, never for an
import made by an installed library (its dependency really is missing), never for an
import the code guards with a fallback (``try: import apex`` / ``except ImportError:
apex = None``, ``contextlib.suppress(ImportError)``, ``importlib.util.find_spec``), which
then fails as it would for its user (an ``except`` that raises or exits is no fallback).
Its attributes are stand-in classes, and so are theirs: ``from kornia.filters import
gaussian_blur2d`` and ``class Net(pretrainedmodels.SENet)`` work.

While the file is imported a stand-in is lenient (calling one returns another, a decorator
returns what it decorates, indexing gives another, iterating gives nothing), so that
registries, decorators and settings at the top level run. Once the file is imported,
building or running a model that calls one, does arithmetic with one or asks ``isinstance``
of one raises ``NotInstalled``: "model uses kornia, which is not installed". A missing
library's weight-initialization function (``default_init_weights(self.body)``,
``trunc_normal_(w)``) is the exception: it sets values, which netlint never reads, so calling
it does nothing.
"""

from __future__ import annotations

import ast
import collections.abc
import contextlib
import functools
import importlib.machinery
import importlib.util
import os
import re
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any, NoReturn

from netlint.load.substitutes import substitute
from netlint.paths import display_path
from netlint.user_code import LoadError, NotInstalled, error_from, is_library_file
from netlint.source import read_source, version

NEVER = frozenset({"torch", "torchvision"})
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_IMPORT_MACHINERY = (os.path.dirname(importlib.__file__) + os.sep, "<frozen importlib")
NETLINT_LOAD = os.path.dirname(os.path.abspath(__file__)) + os.sep  # the finders' own frames


class _State:
    lenient = False  # true while a file is imported
    used: list[NotInstalled] = []  # raised since the last import (which each target's build starts with)
    asked: list[tuple[NotInstalled, traceback.FrameSummary | None]] = []  # isinstance() of a stand-in, where
    reasons: dict[str, str] = {}  # a missing module or name -> why, when not "not installed"
    extension_builders: dict[int, object] = {}  # torch.utils.cpp_extension's load functions, replaced


@contextlib.contextmanager
def standing_in() -> Iterator[None]:
    """Stand-ins for missing modules, lenient, while the user's file is imported."""
    sys.meta_path.append(StandInFinder)
    _State.lenient = True
    try:
        yield
    finally:
        _State.lenient = False
        _State.used = []
        _State.asked = []
        sys.meta_path.remove(StandInFinder)


def stood_in_for() -> tuple[str, ...]:
    """The modules (and names of installed modules) stood in for since the user's modules were
    last forgotten, with why when it is not "not installed": ``"timm.models.layers.helpers
    (not in the installed timm 0.9.16)"``."""
    missing = {module.__stood_in_for__ for module in list(sys.modules.values()) if isinstance(module, StandInModule)}
    for module in list(sys.modules.values()):
        if isinstance(module, ModuleType) and not isinstance(module, StandInModule) \
                and not is_library_file(_location(module)):
            missing |= {value.missing_module for value in list(vars(module).values())
                        if isinstance(value, StandInMeta) and value.missing_module in _State.reasons}
    return tuple(f"{name} ({_State.reasons[name].removeprefix('is ')})" if name in _State.reasons else name
                 for name in sorted(missing))


def installed_version(package: str) -> str:
    """``"timm 0.9.16"``: an installed package's top level and its version."""
    top = package.partition(".")[0]
    version_ = getattr(sys.modules.get(top), "__version__", None)
    return f"{top} {version_}" if isinstance(version_, str) else top


def stand_in_for_module(name: str, reason: str) -> ModuleType:
    """A stand-in module for ``name`` that exists but cannot be had (``reason``: "is installed
    but needs tensorboard, which is not installed"), put in ``sys.modules`` and on its parent
    package, so that every later import of it gets the stand-in; using it while building is
    an error saying so."""
    _State.reasons[name] = reason
    module = StandInModule(name)
    module.__stood_in_for__ = name
    module.__path__ = []
    sys.modules[name] = module
    parent, _, last = name.rpartition(".")
    if parent in sys.modules:
        with contextlib.suppress(AttributeError, TypeError):
            setattr(sys.modules[parent], last, module)
    return module


def extension_built_at_import(name: Any, *args, **kwargs) -> ModuleType:
    """What ``torch.utils.cpp_extension.load(name, sources)`` (and ``load_inline``) gives while
    the project's files are imported: netlint compiles nothing, so the extension is a stand-in
    (as one that is not built); a model whose forward calls it is one error naming it."""
    shown = name if isinstance(name, str) and name else "an extension"
    _State.reasons[shown] = ("is the project's C++/CUDA extension, compiled when imported by "
                             "torch.utils.cpp_extension.load, which netlint does not compile")
    module = StandInModule(shown)
    module.__stood_in_for__ = shown
    module.__path__ = []
    extensions_stood_in.append(shown)
    return module


extensions_stood_in: list[str] = []  # the extensions extension_built_at_import stood in for, in order

EXTENSION_BUILDERS = ("load", "load_inline")


def stand_in_extension_builders(namespace: dict) -> None:
    """Once ``torch.utils.cpp_extension`` is imported, its builders give stand-ins
    (``extension_built_at_import``), also where a user's module holds them (``from
    torch.utils.cpp_extension import load``)."""
    cpp_extension = sys.modules.get("torch.utils.cpp_extension")
    if cpp_extension is None:
        return
    for builder in EXTENSION_BUILDERS:
        original = cpp_extension.__dict__.get(builder)
        if original is not None and original is not extension_built_at_import:
            _State.extension_builders[id(original)] = original
            setattr(cpp_extension, builder, extension_built_at_import)
    for key, value in list(namespace.items()):
        if id(value) in _State.extension_builders and value is _State.extension_builders[id(value)]:
            namespace[key] = extension_built_at_import


def stand_in_for_name(module: str, name: str, reason: str) -> type:
    """A stand-in for ``module.name``, a name its module does not define (``reason`` says why:
    "is not in the installed timm 0.9.16"); using it while building is an error saying so."""
    missing = f"{module}.{name}"
    _State.reasons[missing] = reason
    return _stand_in(module, name, missing)


class StandInFinder:
    """A meta path finder, last on ``sys.meta_path``: asked only about what no other finds."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        package = name.rpartition(".")[0]
        moved_from = None  # the installed package that lacks this module
        if package:
            parent = sys.modules.get(package)
            if isinstance(parent, StandInModule):
                root = parent.__stood_in_for__
            elif parent is None:
                return None
            elif not is_library_file(_location(parent)):
                root = name  # a module of the project's package with no source: an extension not built
            elif _importing_a_name():
                return None  # ``from timm.models.layers import x``: a name, not a module (see definitions)
            else:  # an installed package without this module: it moved, or came later
                root = name
                moved_from = package
        elif name in NEVER or importlib.machinery.PathFinder.find_spec(name) is not None:
            return None
        else:
            root = name
        if not _unguarded_project_import():
            return None
        if moved_from is not None:
            _State.reasons[name] = f"is not in the installed {installed_version(moved_from)}"
        spec = importlib.machinery.ModuleSpec(name, StandInLoader, is_package=True)
        spec.loader_state = root
        return spec

    @classmethod
    def invalidate_caches(cls) -> None:
        pass


def _location(module: ModuleType) -> str:
    """A module's file, or a namespace package's first folder ("<" when it has neither)."""
    return getattr(module, "__file__", None) or next(iter(getattr(module, "__path__", None) or ()), "<")


class StandInLoader:
    @staticmethod
    def create_module(spec) -> ModuleType:
        module = StandInModule(spec.name)
        module.__stood_in_for__ = spec.loader_state  # the module missing: this one or a package of it
        return module

    @staticmethod
    def exec_module(module: ModuleType) -> None:
        module.__path__ = []  # a package: its submodules are stand-ins too


class ProjectExtensionLoader(importlib.machinery.ExtensionFileLoader):
    """A compiled extension of the project's own (a ``.so`` next to its sources): loaded, or,
    when it is there but does not load (built for another Python or torch: "undefined symbol"),
    a stand-in, as for a module that is not installed, so that the definitions of the files
    that import it exist; a model that uses it is one error naming it."""

    def create_module(self, spec) -> ModuleType:
        try:
            return super().create_module(spec)
        except ImportError as exc:
            problem = str(exc).replace(str(self.path), "").strip(" :") or type(exc).__name__
            _State.reasons[spec.name] = f"is the project's compiled extension, which does not load ({problem}): " \
                                        "build the project's extensions"
            module = StandInModule(spec.name)
            module.__stood_in_for__ = spec.name
            return module

    def exec_module(self, module: ModuleType) -> None:
        if not isinstance(module, StandInModule):
            super().exec_module(module)


class StandInModule(ModuleType):
    """A module that is not installed; every public attribute is a stand-in class, also when
    read through its ``__dict__`` (``pretrainedmodels.__dict__[name]``)."""

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        standin = substitute(f"{self.__name__}.{name}") or _stand_in(self.__name__, name, self.__stood_in_for__)
        setattr(self, name, standin)
        return standin

    @property
    def __dict__(self):
        return _Namespace(self)


_MODULE_DICT = ModuleType.__dict__["__dict__"]


class _Namespace(collections.abc.MutableMapping):
    """A stand-in module's namespace: its names, and a stand-in for any public name."""

    def __init__(self, module: StandInModule) -> None:
        self.module, self.names = module, _MODULE_DICT.__get__(module)

    def __getitem__(self, name: str):
        if name in self.names:
            return self.names[name]
        try:
            return getattr(self.module, name)
        except AttributeError:
            raise KeyError(name) from None

    def __setitem__(self, name: str, value) -> None:
        self.names[name] = value

    def __delitem__(self, name: str) -> None:
        del self.names[name]

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _strict(method: str):
    def use(cls, *args, **kwargs):
        if _State.lenient:
            return _stand_in(cls.__module__, f"{cls.__qualname__}.{method}(...)", cls.missing_module)
        _used(cls.missing_module)

    return use


# the names of weight-initialization functions (``default_init_weights``, ``trunc_normal_``,
# ``kaiming_init``, ``constant_init``, ``xavier_uniform_``)
INITIALIZER = re.compile(r"(?i:init)|^(?:trunc_)?(?:normal|uniform|constant|zeros|ones|orthogonal|"
                         r"xavier_\w+|kaiming_\w+|lecun_\w+)_$")


class StandInMeta(type):
    """The type of stand-in classes (and of the user's classes derived from one)."""

    def __getattr__(cls, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        standin = substitute(f"{cls.__module__}.{cls.__qualname__}.{name}") \
            or _stand_in(cls.__module__, f"{cls.__qualname__}.{name}", cls.missing_module)
        type.__setattr__(cls, name, standin)
        return standin

    def __call__(cls, *args, **kwargs):
        if not _State.lenient and "missing_module" in vars(cls) and cls.__name__[:1].islower() \
                and INITIALIZER.search(cls.__name__):
            # a missing library's weight initialization (default_init_weights(self.mlp), trunc_normal_(w)):
            # it sets values, which netlint never reads, not the architecture
            return args[0] if args else None
        if not _State.lenient:
            _used(cls.missing_module)
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]  # a decorator: what it decorates stays defined
        made = _stand_in(cls.__module__, f"{cls.__qualname__}(...)", cls.missing_module)
        given = args[0] if len(args) == 1 and isinstance(args[0], collections.abc.Mapping) else {}
        for key, value in {**given, **kwargs}.items():  # EasyDict(d), ConfigDict({'size': 16}), Namespace(a=1)
            made[key] = made(value) if isinstance(value, dict) else value
        return made

    # A stand-in is a namespace for what the code stores on it (``config.hidden_size = 768``,
    # ``cfg['lr'] = 0.1``, made from a dict): attributes and items give it back, so a missing
    # ml_collections or easydict does not stop a configuration that is just a namespace.
    def __setattr__(cls, name: str, value) -> None:
        type.__setattr__(cls, name, value)
        if not name.startswith("__"):
            _stored(cls)[name] = value

    def __setitem__(cls, key, value) -> None:
        _stored(cls)[key] = value
        if isinstance(key, str) and key.isidentifier():
            type.__setattr__(cls, key, value)

    def __getitem__(cls, key):
        stored = vars(cls).get("stored_items")
        if stored is not None and key in stored:
            return stored[key]
        return _strict("__getitem__")(cls, key)


    def __iter__(cls):
        return iter(vars(cls).get("stored_items") or ())

    def __len__(cls) -> int:
        return len(vars(cls).get("stored_items") or ())

    def __contains__(cls, item) -> bool:
        return item in (vars(cls).get("stored_items") or ())

    def __float__(cls):
        _used(cls.missing_module)

    __int__ = __index__ = __float__

    def __instancecheck__(cls, instance) -> bool:
        """Nothing is an instance of a class that is not there (a weight-init loop's
        ``isinstance(m, SyncBatchNorm)`` goes on); a build that fails after asking names the module."""
        if "missing_module" not in vars(cls):  # a user's class derived from a stand-in
            return type.__instancecheck__(cls, instance)
        if not _State.lenient and threading.current_thread() is threading.main_thread():
            user = [f for f in traceback.extract_stack()[:-1] if not is_library_file(f.filename)]
            _State.asked.append((missing(cls.missing_module), user[-1] if user else None))
        return False


_BINARY = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "xor", "lshift", "rshift")
for _method in (*(f"__{n}__" for n in _BINARY), *(f"__r{n}__" for n in _BINARY), "__neg__",
                "__pos__", "__abs__", "__invert__", "__lt__", "__le__", "__gt__", "__ge__"):
    setattr(StandInMeta, _method, _strict(_method))


def _stored(cls: type) -> dict:
    """What the code stored on a stand-in, by key and attribute name."""
    if "stored_items" not in vars(cls):
        stored: dict = {}
        type.__setattr__(cls, "stored_items", stored)
        for method in ("get", "keys", "values", "items"):  # a mapping's reading methods (``cfg.get('x')``)
            if method not in vars(cls):
                type.__setattr__(cls, method, getattr(stored, method))
    return vars(cls)["stored_items"]


def stand_in_base(cls: type) -> type | None:
    """The stand-in among a class's bases (``class Enc(pretrainedmodels.SENet)``), if any."""
    return next((k for k in cls.__mro__ if "missing_module" in vars(k)), None) \
        if isinstance(cls, StandInMeta) else None


def forward_above(cls: type, base: type) -> bool:
    """Whether a class on a stand-in base (or one of its classes above that base) defines a
    ``forward``: a model of its own, which needs the missing module; without, it may be no
    model at all (a base class, a library's other kind of class)."""
    return any("forward" in vars(k) for k in cls.__mro__[:cls.__mro__.index(base)])


def _stand_in(module: str, qualname: str, missing: str) -> type:
    """A stand-in class for ``module.qualname`` (``kornia.filters``, ``gaussian_blur2d``); ``missing``
    is the module that is not installed (``kornia``)."""
    return StandInMeta(qualname.rpartition(".")[2], (), {"missing_module": missing, "__module__": module,
                                                         "__qualname__": qualname})


def missing(module: str) -> NotInstalled:
    """The error for a use of the stand-in for ``module``: "model uses kornia, which is not installed..."."""
    return NotInstalled(module, _State.reasons.get(module))


def _used(module: str) -> NoReturn:
    error = missing(module)
    if threading.current_thread() is threading.main_thread():  # (not a thread the user's code left running)
        _State.used.append(error)
    raise error


def used_stand_in(path: str | None) -> LoadError | None:
    """When the forward of the target being analyzed failed after it used a stand-in: that
    first use, at the user's line."""
    return error_from(_State.used[0], path, prefix="forward failed: ") if _State.used else None


def asked_stand_in(path: str | None, prefix: str) -> LoadError | None:
    """When a build failed after the user's code asked ``isinstance`` of a stand-in: that
    first question, at the user's line."""
    if not _State.asked:
        return None
    error, frame = _State.asked[0]
    found = error_from(error, path, prefix) if frame is None else \
        LoadError(f"{prefix}{error}", display_path(Path(frame.filename)), frame.lineno)
    found.__cause__ = error  # (no arguments would help)
    return found


def importing_frame() -> FrameType | None:
    """The frame of the code whose import a meta path finder is resolving; None when that
    code only asks whether a module exists (``importlib.util.find_spec``)."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and (frame.f_code.co_filename.startswith(_IMPORT_MACHINERY)
                                 or frame.f_code.co_filename.startswith(NETLINT_LOAD)):
        if frame.f_code.co_filename == importlib.util.__file__:
            return None
        frame = frame.f_back
    return frame


def _importing_a_name() -> bool:
    """Whether the import machinery is looking for ``package.name`` because ``from package
    import name`` found no such attribute."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_IMPORT_MACHINERY):
        if frame.f_code.co_name == "_handle_fromlist":
            return True
        frame = frame.f_back
    return False


def importing_file() -> str | None:
    frame = importing_frame()
    return frame.f_code.co_filename if frame is not None else None


def _unguarded_project_import() -> bool:
    """Whether the import being resolved is the project's own code's, and not in a ``try``
    that handles its failure (nor a ``find_spec`` question)."""
    frame = importing_frame()
    if frame is None or is_library_file(frame.f_code.co_filename):
        return False
    return frame.f_lineno not in _guarded_lines(frame.f_code.co_filename, version(frame.f_code.co_filename))


@functools.lru_cache(maxsize=256)
def _guarded_lines(filename: str, file_version: tuple) -> frozenset[int]:
    """The lines of a file inside a ``try`` whose ``except`` handles an ImportError and goes
    on, or inside ``with suppress(ImportError)``."""
    try:
        tree = ast.parse(read_source(filename))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return frozenset()
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))) and any(
                _falls_back(handler) for handler in node.handlers):
            body = node.body
        elif isinstance(node, ast.With) and any(
                isinstance(item.context_expr, ast.Call) and _last_name(item.context_expr.func) == "suppress"
                and any(_names_import_error(arg) for arg in item.context_expr.args) for item in node.items):
            body = node.body
        else:
            continue
        lines.update(range(body[0].lineno, body[-1].end_lineno + 1))
    return frozenset(lines)


def _falls_back(handler: ast.ExceptHandler) -> bool:
    """An ``except`` that handles a failed import and goes on (not one that raises another
    error or exits: "pip install h5py", then the script stops)."""
    if handler.type is not None and not _names_import_error(handler.type):
        return False
    return not any(isinstance(statement, ast.Raise) or (
        isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
        and _last_name(statement.value.func) in ("exit", "quit")) for statement in handler.body)


def _names_import_error(node: ast.expr) -> bool:
    if isinstance(node, ast.Tuple):
        return any(_names_import_error(element) for element in node.elts)
    return _last_name(node) in _IMPORT_ERRORS


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None
