"""Turn command-line paths into lint targets, reading source with ``ast`` only.

Nothing here imports torch: a file that defines no ``nn.Module`` costs one parse.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from netlint.arguments.call import ArgumentsError, split_call
from netlint.arguments.project_text import file_text
from netlint.class_scan import ModuleClass, factories, helpers_of, is_loss_class, module_classes, named_as_block
from netlint.notebook import SUFFIX as NOTEBOOK_SUFFIX
from netlint.paths import display_path
from netlint.project import project_root, python_files
from netlint.source import read_source
from netlint.target import CodeArguments, Problem, Skipped, Target
from netlint.unseen_bases import unseen_base_classes


@dataclass
class Discovery:
    targets: list[Target]
    skipped: list[Skipped]
    problems: list[Problem]
    files: list[Path] = field(default_factory=list)  # every file read, models or not (for source rules)
    # files without an nn.Module class the scan can judge but with a class on another library's
    # base (``class Enc(pretrainedmodels.SENet)``): imported to learn what it is (netlint.unseen_bases)
    unseen_bases: list[Path] = field(default_factory=list)


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
        elif _exists(spec):
            path = Path(spec)
            files = [path] if path.is_file() else sorted(python_files(path, (".py", NOTEBOOK_SUFFIX)))
            for file in files:
                _scan_file(file, found)
        elif ":" in spec and not spec.endswith(".py"):
            module, _, name = spec.partition(":")
            _add_named(found, spec, f"{module}:", name, module=module)
        else:
            found.problems.append(Problem(spec, spec, None, "no such file or directory"))
    return found


def _exists(spec: str) -> bool:
    """Whether the spec names a file or folder (a ``module:factory(...)`` target may be longer
    than a file name can be)."""
    try:
        return Path(spec).exists()
    except OSError:
        return False


def _add_named(found: Discovery, spec: str, prefix: str, name: str, **where) -> None:
    """A target the user named, perhaps as a call: ``file.py::UNet(3, n_classes=2)``."""
    try:
        name, arguments = split_call(name)
    except ArgumentsError as exc:
        found.problems.append(Problem(spec, where.get("path") and str(where["path"]), None, str(exc)))
        return
    call = "" if arguments is None else f"({arguments})"
    found.targets.append(Target(f"{prefix}{name}{call}", name, arguments=arguments, **where))


def _scan_file(path: Path, found: Discovery) -> None:
    """Every ``nn.Module`` class of the file becomes a target or a skip that says why it is
    not one: a layer, a base class without forward, a container, a building block."""
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
        if "Module" in source:  # (a data or utility file in Python 2 is not netlint's to judge)
            found.problems.append(Problem(shown, shown, exc.lineno, f"SyntaxError: {exc.msg}"))
        return
    classes = module_classes(path)
    if not classes:
        if unseen_base_classes(path, tree):
            found.unseen_bases.append(path)
        return
    helpers = {name: helpers_of(tree.body, name) for name in classes}
    standalone = _returned_by_factories(tree, classes)
    builders = {**_passed_to(tree, classes), **_registered(tree, classes), **_used_inside(classes, helpers)}
    for name, cls in classes.items():
        reason = _not_a_root(cls, None if name in standalone else builders.get(name, ""), path, helpers[name])
        if reason is not None:
            found.skipped.append(Skipped(f"{shown}::{name}", reason, model=False))
        else:
            calls = _calls(path, name, own_file_only=not cls.required)
            if cls.required and not calls and named_as_block(name):
                found.skipped.append(Skipped(f"{shown}::{name}", _UNUSED_BLOCK, model=False))
                continue
            found.targets.append(Target(f"{shown}::{name}", name, path=path, line=cls.node.lineno,
                                        discovered=True, calls=calls))


_UNUSED_BLOCK = ("a building block by its name: no class of the project builds it and no code gives it its "
                 "arguments (they would be guessed); name it as a target to analyze it")


def _holds_state(cls: ModuleClass) -> bool:
    """It takes constructor arguments or has an ``__init__`` of its own: not an activation such
    as ``Swish``, which the build tells to be a layer."""
    return bool(cls.required) or any(isinstance(s, ast.FunctionDef) and s.name == "__init__" for s in cls.node.body)


def _not_a_root(cls: ModuleClass, builder: str | None, path: Path, helpers: set[str]) -> str | None:
    """Why the class is not a model of its own, if it is not one. ``builder``: the class of
    the file that builds it ("" for none), None when a factory of the file returns it whole;
    ``helpers``: the file's functions that build it (another file's model may call them)."""
    if cls.layer is not None:
        return f"a layer: it specializes {cls.layer}"
    if cls.container:
        return "a container: it holds modules and defines no forward"
    if not cls.forward:
        return "a base class: it defines no forward of its own"
    if (is_loss_class(cls.name) or cls.name.endswith("Criterion")) and "With" not in cls.name:  # (NetWithLoss)
        return "a loss: its name says so (a network it holds, such as a VGG, is its loss network)"
    if subclasses := _subclassed_never_built(cls, path):
        return f"a base class: {', '.join(subclasses)} subclass it and no code of the project builds it"
    if cls.holds_its_optimizers:
        return "a training wrapper: its constructor builds an optimizer (its networks are analyzed)"
    if builder:
        reason = f"a building block: {builder} builds it"
        holder = module_classes(path).get(builder.partition(" ")[0])
    elif builder is not None and _holds_state(cls) and (block := next(filter(None, (
            _built_inside(path, name) for name in (cls.name, *sorted(helpers)))), None)) is not None:
        reason = f"a building block: {block} builds it in a model of its own"
        holder = _class_at(block)
    elif builder is not None and _holds_state(cls) and (given := _given_to_model(path, cls.name)) is not None:
        reason = f"a building block: {given[0]} gives it to {given[1]} to build"
        holder = None
    else:
        return None
    if _adversarial(cls.name, holder, path):
        return None
    return None if _built_whole(path, cls.name) else reason


_BASE_NAME = re.compile(r"^_*(Base|Abstract)[A-Z_]|Base$")


def _subclassed_never_built(cls: ModuleClass, path: Path) -> list[str]:
    """The file's classes that subclass ``cls``, when its name says it is a base (``BaseNet``,
    ``AbstractUNet``, ``GeneratorBase``) and no file of the project calls it or names it in a
    string (``getattr(models, "BaseNet")``): a project's base network (Bread's ``BaseNet``, whose
    ``IAN`` and ``ANSN`` only choose its arguments) is analyzed through its subclasses."""
    if _BASE_NAME.search(cls.name) is None:
        return []
    subclasses = [other.name for other in module_classes(path).values()
                  if any(isinstance(b, ast.Name) and b.id == cls.name for b in other.node.bases)]
    if not subclasses:
        return []
    called = re.compile(rf"(?<!class )\b{re.escape(cls.name)}\s*\(|[\"']{re.escape(cls.name)}[\"']")
    root = project_root(path)
    files = python_files(root, (".py",)) if root is not None else [path]
    return [] if any(called.search(file_text(file)) for file in files) else subclasses


# a GAN's two networks, by their names: Discriminator, PatchCritic, NetD, netD; Generator, NetG
_DISCRIMINATOR = re.compile(r"(?i:discriminator|critic)|(?:^|[Nn]et|_)D$")
_GENERATOR = re.compile(r"(?i:generator)|(?:^|[Nn]et|_)G$")
_SPELLED_OUT = re.compile(r"(?i:discriminator|critic)")


def _forward_inputs(cls: ModuleClass | None) -> int:
    """How many inputs the class's own forward takes (a discriminator judges an image, perhaps
    with its condition; a decoder ``D(x_block1, ..., x_block4)`` of a depth model takes more)."""
    forward = next((s for s in cls.node.body if isinstance(s, ast.FunctionDef) and s.name == "forward"), None) \
        if cls is not None else None
    if forward is None:
        return 0
    return len(forward.args.posonlyargs + forward.args.args) - 1 + len(forward.args.kwonlyargs)


def _adversarial(name: str, holder: ModuleClass | None, path: Path) -> bool:
    """Whether a class that another builds is one of a GAN's two networks, which are trained
    each on its own, whatever holds them: a discriminator built by a class that is no
    discriminator (a training wrapper holding G and D, a loss), or a generator whose file
    defines its discriminator, built by a class that is no generator (``pSp`` holding the
    StyleGAN2 ``Generator`` of ``stylegan2/model.py``) or by a class that also builds a
    discriminator (a wrapper holding the pair). A discriminator that a multi-scale
    discriminator builds, a generator inside a generator, stay blocks; so does a class named
    only ``D`` (``netD``) whose forward takes more than two inputs (a depth model's decoder)."""
    if holder is None:
        return False
    if _DISCRIMINATOR.search(name):
        return not _DISCRIMINATOR.search(holder.name) and (_SPELLED_OUT.search(name) is not None
                                                            or _forward_inputs(module_classes(path).get(name)) <= 2)
    if not _GENERATOR.search(name) or _GENERATOR.search(holder.name) or _DISCRIMINATOR.search(holder.name):
        return False
    built = {n.func.id if isinstance(n.func, ast.Name) else n.func.attr for n in ast.walk(holder.node)
             if isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute))}
    return any(_DISCRIMINATOR.search(other) for other in (*module_classes(path), *built) if other != name)


def _class_at(location: str) -> ModuleClass | None:
    """The class whose body holds ``file:line`` (what ``_built_inside`` answers)."""
    file, _, line = location.rpartition(":")
    if not line.isdigit():
        return None
    path = Path(file) if Path(file).is_absolute() else Path.cwd() / file
    try:
        classes = module_classes(path)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    return next((cls for cls in classes.values()
                 if cls.node.lineno <= int(line) <= (cls.node.end_lineno or cls.node.lineno)), None)


def _calls(path: Path, name: str, own_file_only: bool) -> tuple[CodeArguments, ...]:
    """The project's calls of a class with constant arguments: for a class that builds with
    its defaults, only its own file's (in case the defaults do not build), else the project's."""
    from netlint.arguments.from_code import arguments_from_code

    return tuple(arguments_from_code(path, name, None if own_file_only else project_root(path)))


def _built_inside(path: Path, name: str) -> str | None:
    from netlint.arguments.from_code import built_inside

    return built_inside(path, name, project_root(path))


def _given_to_model(path: Path, name: str) -> tuple[str, str] | None:
    from netlint.arguments.from_code import given_to_model

    return given_to_model(path, name, project_root(path))


def _built_whole(path: Path, name: str) -> bool:
    """The project's scripts train, load or evaluate the class as a model of its own."""
    from netlint.arguments.from_code import built_whole

    return built_whole(path, name, project_root(path)) is not None


def _registered(tree: ast.Module, classes: dict[str, ModuleClass]) -> dict[str, str]:
    """Classes a top-level statement puts in a registry that a class's body reads
    (``BLOCKS = {"basic": BasicBlock}``, or ``BLOCKS[name] = block`` in a loop over them;
    ``BLOCKS[block](width)`` in the model), each with the class that reads it."""
    readers: dict[str, str] = {}
    for name, cls in classes.items():
        for node in ast.walk(cls.node):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                readers.setdefault(node.id, name)
    registered: dict[str, str] = {}
    for statement in tree.body:
        if isinstance(statement, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        nodes = list(ast.walk(statement))
        bound = {n.value.id for n in nodes if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store)
                 and isinstance(n.value, ast.Name)}
        if isinstance(statement, ast.Assign) and isinstance(statement.value, (ast.Dict, ast.List, ast.Tuple)):
            bound |= {t.id for t in statement.targets if isinstance(t, ast.Name)}
        registry = next((b for b in sorted(bound) if b in readers), None)
        if registry is not None:
            registered.update({n.id: f"{readers[registry]} (through {registry})" for n in nodes
                               if isinstance(n, ast.Name) and n.id in classes and isinstance(n.ctx, ast.Load)})
    return registered


def _passed_to(tree: ast.Module, classes: dict[str, ModuleClass]) -> dict[str, str]:
    """Classes of the file given as an argument to a call of another of its classes, anywhere in
    the file (``ResNet(num_classes, Bottleneck, [3, 4, 6, 3])`` in a factory): its blocks."""
    passed: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes:
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(argument, ast.Name) and argument.id in classes and argument.id != node.func.id:
                    passed.setdefault(argument.id, f"{node.func.id} (given it as an argument)")
    return passed


def _used_inside(classes: dict[str, ModuleClass], helpers: dict[str, set[str]]) -> dict[str, str]:
    """Classes of the file another class builds in its body (its submodules), itself or through
    a function of the file (``helpers``: class -> the functions that build it), each with the
    first class that builds it. Naming a class to call its methods (``Base.__init__(self)``,
    ``super(Net, self)``) or as a base is not building it, so ``class NetLocal(Local_Base, Net)``
    does not hide ``Net``; nor is a training wrapper's holding a generator and its discriminator."""
    built_by = {helper: [c for c in classes if helper in helpers[c]] for c in classes for helper in helpers[c]}
    inside: dict[str, str] = {}
    for name, cls in classes.items():
        if cls.trains:
            continue
        for stmt in cls.node.body:
            local = _local_names(stmt)  # (``dehaze = torch.cat(...)`` in a forward is not the class dehaze)
            ignored = {id(n) for n in ast.walk(stmt) if isinstance(n, ast.Name) and n.id in local}
            ignored |= {id(n.value) for n in ast.walk(stmt) if isinstance(n, ast.Attribute)}
            ignored |= {id(a) for n in ast.walk(stmt) if isinstance(n, ast.Call)
                        and isinstance(n.func, ast.Name) and n.func.id in ("super", "isinstance")
                        for a in n.args}
            for n in ast.walk(stmt):
                if isinstance(n, ast.Name) and n.id in classes and n.id != name and id(n) not in ignored:
                    inside.setdefault(n.id, name)
                elif isinstance(n, ast.Name) and n.id in built_by and id(n) not in ignored:
                    for built in built_by[n.id]:
                        if built != name:
                            inside.setdefault(built, f"{name} (through {n.id})")
    return inside


def _local_names(statement: ast.stmt) -> set[str]:
    """The names a method binds for itself (its parameters, what it assigns): they hide the
    file's classes of the same name inside it."""
    if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return set()
    arguments = statement.args
    names = {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                             arguments.vararg, arguments.kwarg] if a is not None}
    return names | {n.id for n in ast.walk(statement) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _returned_by_factories(tree: ast.Module, classes: dict[str, ModuleClass]) -> set[str]:
    """Classes a top-level function of the file builds and returns (``def define_G(...): net =
    GlobalGenerator(...); ...; return net``, through helpers and registries too: see
    ``class_scan.factories``), or the top level builds: whole models, even when another class
    also builds one inside itself. A function that a model class of the file calls builds
    its blocks, not a model."""
    called = _called_by_models(tree, classes)
    standalone = {c for f in factories(tree.body, set(classes)).values() if f.name not in called for c in f.returns}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call) \
                and isinstance(statement.value.func, ast.Name) and statement.value.func.id in classes:
            standalone.add(statement.value.func.id)
    return standalone


def _called_by_models(tree: ast.Module, classes: dict[str, ModuleClass]) -> set[str]:
    """The names the file's model classes use (no training wrapper's), and those the file's
    functions they use use in turn."""
    functions = {s.name: s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    called = {n.id for cls in classes.values() if not cls.trains
              for n in ast.walk(cls.node) if isinstance(n, ast.Name)}
    pending = called & set(functions)
    while pending:
        new = {n.id for n in ast.walk(functions[pending.pop()]) if isinstance(n, ast.Name)} - called
        called |= new
        pending |= new & set(functions)
    return called
