"""Turn command-line paths into lint targets, reading source with ``ast`` only.

Nothing here imports torch: a file that defines no ``nn.Module`` costs one parse.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path

SKIPPED_DIRS = {"build", "dist", "node_modules", "__pycache__", "site-packages"}
TORCH_ROOTS = ("torch", "torchvision", "timm", "transformers")


@dataclass(frozen=True)
class Target:
    """One model to lint: a class or zero-argument factory in a file or an importable module."""

    display: str  # "fixtures/gen.py::Generator" or "torchvision.models:resnet50"
    name: str  # attribute to build ("Generator")
    path: Path | None = None  # the source file, for file targets
    module: str | None = None  # the dotted module, for "package.module:name" targets
    line: int | None = None  # where the class or function is defined, when known
    discovered: bool = False  # found by scanning a file, not named by the user


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


@dataclass
class Discovery:
    targets: list[Target]
    skipped: list[Skipped]
    problems: list[Problem]
    files: list[Path] = field(default_factory=list)  # every file read, models or not (for source rules)


def display_path(path: Path) -> str:
    """The path as users see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
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
            found.targets.append(Target(f"{display_path(path)}::{name}", name, path=path))
        elif Path(spec).exists():
            path = Path(spec)
            files = [path] if path.is_file() else sorted(_python_files(path))
            for file in files:
                _scan_file(file, found)
        elif ":" in spec and not spec.endswith(".py"):
            module, _, name = spec.partition(":")
            found.targets.append(Target(spec, name, module=module))
        else:
            found.problems.append(Problem(spec, spec, None, "no such file or directory"))
    return found


def _python_files(folder: Path):
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
        source = path.read_text(encoding="utf-8")
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
    classes = _model_classes(tree)
    if not classes:
        return
    needs_args = {name: _required_init_args(cls, classes) for name, cls in classes.items()}
    candidates = [name for name, args in needs_args.items() if not args]
    inside = _used_inside(classes, candidates)
    for name, cls in classes.items():
        target = f"{shown}::{name}"
        if name in inside:
            continue
        if needs_args[name]:
            found.skipped.append(Skipped(
                target, f"constructor needs arguments ({', '.join(needs_args[name])}); "
                        f"name a zero-argument factory instead: {shown}::FACTORY"))
        else:
            found.targets.append(Target(target, name, path=path, line=cls.lineno, discovered=True))


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


def _torch_names(tree: ast.Module) -> tuple[set[str], bool]:
    """Names bound by imports from torch-like packages, and whether the file imports
    anything that could provide a module base class."""
    names: set[str] = set()
    imports_other = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in TORCH_ROOTS:
                    names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            root = (node.module or "").split(".")[0]
            for alias in node.names:
                if node.level == 0 and root in TORCH_ROOTS:
                    names.add(alias.asname or alias.name)
                else:
                    imports_other = True
    return names, imports_other


def _model_classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    """Top-level classes that subclass ``nn.Module``, as far as the source can tell: a base
    reached through torch's namespace, or another model class of the same file."""
    torch_names, _ = _torch_names(tree)
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


def _used_inside(classes: dict[str, ast.ClassDef], roots: list[str]) -> set[str]:
    """Classes of the file reached from another root class's body: its submodules."""
    references = {
        name: {n.id for stmt in cls.body for n in ast.walk(stmt)
               if isinstance(n, ast.Name) and n.id in classes} - {name}
        for name, cls in classes.items()
    }
    inside: set[str] = set()
    for root in roots:
        stack = list(references[root])
        while stack:
            name = stack.pop()
            if name not in inside and name != root:
                inside.add(name)
                stack.extend(references[name])
    return inside
