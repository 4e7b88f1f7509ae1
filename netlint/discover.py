"""Turn command-line paths into lint targets, reading source with ``ast`` only.

Nothing here imports torch: a file that defines no ``nn.Module`` costs one parse.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from netlint.arguments.call import ArgumentsError, split_call
from netlint.source import read_source

if TYPE_CHECKING:
    from netlint.arguments.from_code import CodeArguments

SKIPPED_DIRS = {"build", "dist", "node_modules", "__pycache__", "site-packages"}
TORCH_ROOTS = ("torch", "torchvision", "timm", "transformers")


@dataclass(frozen=True)
class Target:
    """One model to lint: a class or factory in a file or an importable module, called with
    the arguments given (``file.py::UNet(3, 2)``) or, without, those the project uses."""

    display: str  # "fixtures/gen.py::Generator", "torchvision.models:resnet50", "unet.py::UNet(3, 2)"
    name: str  # attribute to build ("Generator")
    path: Path | None = None  # the source file, for file targets
    module: str | None = None  # the dotted module, for "package.module:name" targets
    line: int | None = None  # where the class or function is defined, when known
    discovered: bool = False  # found by scanning a file, not named by the user
    arguments: str | None = None  # given: "3, n_classes=2" (literals and dotted names)
    arguments_from: str = "given"  # who gave them: the command line or the config
    calls: tuple[CodeArguments, ...] = ()  # calls of it with constant arguments in the project

    @property
    def base(self) -> str:
        """The display without the arguments: what config tables and baselines match."""
        return self.display.partition("(")[0] if self.arguments is not None else self.display


@dataclass(frozen=True)
class Problem:
    """A path or target that could not be turned into targets."""

    target: str
    path: str | None
    line: int | None
    message: str
    detail: str | None = None  # the traceback, shown with --verbose


@dataclass(frozen=True)
class Skipped:
    target: str
    reason: str
    model: bool = True  # a model netlint could not build as it is (not a base class, say)


@dataclass
class Discovery:
    targets: list[Target]
    skipped: list[Skipped]
    problems: list[Problem]
    files: list[Path] = field(default_factory=list)  # every file read, models or not (for source rules)


def display_path(path: Path) -> str:
    """The path as users see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))  # (the working directory is resolved already)
    except ValueError:
        return str(path)


def discover(specs: list[str]) -> Discovery:
    found = Discovery([], [], [])
    for spec in specs:
        if "::" in spec:
            file, _, name = spec.partition("::")
            path = Path(file)
            if not path.is_file():
                found.problems.append(Problem(spec, file, None, "no such file"))
                continue
            _add_named(found, spec, f"{display_path(path)}::", name, path=path)
        elif Path(spec).exists():
            path = Path(spec)
            files = [path] if path.is_file() else sorted(python_files(path))
            for file in files:
                _scan_file(file, found)
        elif ":" in spec and not spec.endswith(".py"):
            module, _, name = spec.partition(":")
            _add_named(found, spec, f"{module}:", name, module=module)
        else:
            found.problems.append(Problem(spec, spec, None, "no such file or directory"))
    return found


def _add_named(found: Discovery, spec: str, prefix: str, name: str, **where) -> None:
    """A target the user named, perhaps as a call: ``file.py::UNet(3, n_classes=2)``."""
    try:
        name, arguments = split_call(name)
    except ArgumentsError as exc:
        found.problems.append(Problem(spec, where.get("path") and str(where["path"]), None, str(exc)))
        return
    call = "" if arguments is None else f"({arguments})"
    found.targets.append(Target(f"{prefix}{name}{call}", name, arguments=arguments, **where))


def python_files(folder: Path):
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _skipped_dir(Path(root) / d))
        for file in files:
            if file.endswith(".py"):
                yield Path(root) / file


def _skipped_dir(path: Path) -> bool:
    name = path.name
    return (name.startswith(".") or name in SKIPPED_DIRS or name.endswith(".egg-info")
            or (path / "pyvenv.cfg").exists())


def _scan_file(path: Path, found: Discovery) -> None:
    shown = display_path(path)
    try:
        source = read_source(path)
    except (OSError, UnicodeDecodeError) as exc:
        found.problems.append(Problem(shown, shown, None, f"cannot read: {exc}"))
        return
    found.files.append(path)
    if "class" not in source:
        return
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        found.problems.append(Problem(shown, shown, exc.lineno, f"SyntaxError: {exc.msg}"))
        return
    classes = _model_classes(tree, path)
    if not classes:
        return
    inside = _used_inside(classes) | _registered(tree, classes)
    for name, cls in classes.items():
        if name in inside:
            continue
        needs_arguments = bool(_required_init_args(cls, classes))
        block = _built_inside(path, name) if needs_arguments else None
        if block is not None:
            found.skipped.append(Skipped(f"{shown}::{name}", f"a building block: {block} builds it in "
                                         "a model of its own", model=False))
        else:
            calls = _calls(path, name, own_file_only=not needs_arguments)
            found.targets.append(Target(f"{shown}::{name}", name, path=path, line=cls.lineno,
                                        discovered=True, calls=calls))


def _calls(path: Path, name: str, own_file_only: bool) -> tuple[CodeArguments, ...]:
    """The project's calls of a class with constant arguments: for a class that builds with
    its defaults, only its own file's (in case the defaults do not build), else the project's."""
    from netlint.arguments.from_code import arguments_from_code

    return tuple(arguments_from_code(path, name, None if own_file_only else project_root(path)))


def _built_inside(path: Path, name: str) -> str | None:
    from netlint.arguments.from_code import built_inside

    return built_inside(path, name, project_root(path))


def project_root(path: Path) -> Path:
    """The folder whose code may call the file's models: the nearest one above it with a
    pyproject.toml, setup.py or .git; else the working directory when the file is in it."""
    path = path.resolve()
    marked = marked_folder(path.parent)
    if marked is not None:
        return marked
    cwd = Path.cwd().resolve()
    return cwd if cwd in path.parents else path.parent


def marked_folder(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` (resolved) with a pyproject.toml, setup.py or .git."""
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ("pyproject.toml", "setup.py", ".git")):
            return folder
    return None


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    if isinstance(node, ast.Call):  # class Net(make_base()): unknown
        return None
    if isinstance(node, ast.Subscript):  # Generic[...] and friends
        return _dotted(node.value)
    return None


def _torch_names(tree: ast.Module, path: Path, seen: frozenset[Path] = frozenset()) -> set[str]:
    """Names bound by imports from torch-like packages, also through ``from .parts import *``
    of a file of the project that imports them (``class UNet(nn.Module)`` with ``nn`` from there)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in TORCH_ROOTS:
                    names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            root = (node.module or "").split(".")[0]
            torch_module = node.level == 0 and root in TORCH_ROOTS
            for alias in node.names:
                if alias.name == "*" and torch_module:
                    names.update(("Module", "Sequential", "ModuleList", "ModuleDict"))
                elif alias.name == "*":
                    names.update(_star_torch_names(node, path, seen))
                elif torch_module:
                    names.add(alias.asname or alias.name)
    return names


def _star_torch_names(node: ast.ImportFrom, path: Path, seen: frozenset[Path]) -> set[str]:
    """The torch names a ``from module import *`` of a project file brings (the module found
    beside the file, or for an absolute import also below the working directory)."""
    folder = path.parent
    for _ in range(max(node.level - 1, 0)):
        folder = folder.parent
    parts = (node.module or "__init__").split(".")
    folders = [folder] if node.level else [folder, Path.cwd()]
    candidates = [f.joinpath(*parts).with_suffix(".py") for f in folders]
    candidates += [f.joinpath(*parts, "__init__.py") for f in folders if node.module]
    file = next((c.resolve() for c in candidates if c.is_file()), None)
    if file is None or file in seen:
        return set()
    try:
        tree = ast.parse(read_source(file), filename=str(file))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return set()
    return _torch_names(tree, file, seen | {file})


def _model_classes(tree: ast.Module, path: Path) -> dict[str, ast.ClassDef]:
    """Top-level classes that subclass ``nn.Module``, as far as the source can tell: a base
    reached through torch's namespace, or another model class of the same file."""
    torch_names = _torch_names(tree, path)
    if not torch_names:
        return {}
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    models: dict[str, ast.ClassDef] = {}
    changed = True
    while changed:
        changed = False
        for name, cls in classes.items():
            if name in models:
                continue
            for base in cls.bases:
                dotted = _dotted(base) or ""
                if dotted.split(".")[0] in torch_names or dotted in models:
                    models[name] = cls
                    changed = True
                    break
    return {name: cls for name, cls in classes.items() if name in models}


def _required_init_args(cls: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> list[str]:
    """Constructor arguments without defaults, following same-file base classes."""
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__init__":
            args = node.args
            positional = args.posonlyargs + args.args
            required = positional[1:len(positional) - len(args.defaults)]
            required_kw = [a for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
            return [a.arg for a in required + required_kw]
    for base in cls.bases:
        dotted = _dotted(base)
        if dotted in classes:
            return _required_init_args(classes[dotted], classes)
    return []


def _registered(tree: ast.Module, classes: dict[str, ast.ClassDef]) -> set[str]:
    """Classes a top-level statement puts in a registry that a class's body reads
    (``BLOCKS = {"basic": BasicBlock}``, or ``BLOCKS[name] = block`` in a loop over them;
    ``BLOCKS[block](width)`` in the model)."""
    read = {n.id for cls in classes.values() for n in ast.walk(cls)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    registered: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        nodes = list(ast.walk(statement))
        bound = {n.value.id for n in nodes if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store)
                 and isinstance(n.value, ast.Name)}
        if isinstance(statement, ast.Assign) and isinstance(statement.value, (ast.Dict, ast.List, ast.Tuple)):
            bound |= {t.id for t in statement.targets if isinstance(t, ast.Name)}
        if bound & read:
            registered |= {n.id for n in nodes if isinstance(n, ast.Name) and n.id in classes
                           and isinstance(n.ctx, ast.Load)}
    return registered


def _used_inside(classes: dict[str, ast.ClassDef]) -> set[str]:
    """Classes of the file another class builds in its body: its submodules. Naming a class
    to call its methods (``Base.__init__(self)``, ``super(Net, self)``) or as a base is not
    building it, so ``class NetLocal(Local_Base, Net)`` does not hide ``Net``."""
    inside: set[str] = set()
    for name, cls in classes.items():
        for stmt in cls.body:
            ignored = {id(n.value) for n in ast.walk(stmt) if isinstance(n, ast.Attribute)}
            ignored |= {id(a) for n in ast.walk(stmt) if isinstance(n, ast.Call)
                        and isinstance(n.func, ast.Name) and n.func.id in ("super", "isinstance")
                        for a in n.args}
            inside |= {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and n.id in classes
                       and n.id != name and id(n) not in ignored}
    return inside
