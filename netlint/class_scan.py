"""Which top-level classes of a file are ``nn.Module`` subclasses, and of what kind, read with
``ast`` only (torch is never imported here).

A base class is resolved as Python resolves the name: a class of the same file, an import
(absolute or relative, aliased, or a module's attribute), a re-export in a package's
``__init__.py``, a star import, or a top-level alias (``Base = nn.Module``), following the
project's files; a name from torch, torchvision, timm or transformers is judged by its
dotted path (``torch.nn.BatchNorm2d`` is a layer, ``torch.utils.data.Dataset`` no module).
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from netlint.project import import_roots
from netlint.source import parsed

TORCH_ROOTS = ("torch", "torchvision", "timm", "transformers")
_CONTAINERS = {"ModuleList", "ModuleDict", "ParameterList", "ParameterDict"}
_MODULE_BASES = {  # other libraries' nn.Module bases that projects subclass, by package
    "pytorch_lightning": "LightningModule", "lightning": "LightningModule", "diffusers": "ModelMixin",
    "mmcv": "BaseModule", "mmengine": "BaseModule",
}
_OPTIMIZERS = {"SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "LBFGS"}
# what ``from torch.nn import *`` is known to bind
_STAR_FROM_TORCH_NN = {"Module", "Sequential", "ModuleList", "ModuleDict"}


@dataclass(frozen=True)
class ModuleClass:
    """A top-level ``nn.Module`` subclass of a file."""

    name: str
    node: ast.ClassDef
    layer: str | None  # the torch layer it specializes ("torch.nn.BatchNorm2d"), if any
    forward: bool  # a forward is implemented, in the class or a base
    container: bool  # it specializes ModuleList/ModuleDict (holds modules, never called)
    required: tuple[str, ...]  # constructor arguments without defaults (through bases that it forwards to)

    @property
    def trains(self) -> bool:
        """A training wrapper, whose submodules are models of their own: it builds an optimizer,
        or its forward returns a loss and nothing else (a diffusion wrapper's ``return
        self.loss_fn(noise, noise_hat)`` around the U-Net it builds). A loss module named so
        (``PerceptualLoss``) is none: the network it holds (a VGG) stays a part of the loss."""
        return any(isinstance(n, ast.Call) and _is_optimizer(_dotted(n.func) or "") for n in ast.walk(self.node)) \
            or ("loss" not in self.name.lower() and _returns_only_a_loss(self.node))

    @property
    def holds_its_optimizers(self) -> bool:
        """Its constructor builds an optimizer (``self.optimizer_g = Adam(self.netG.parameters())``):
        a trainer, not a model of its own (a LightningModule's ``configure_optimizers`` is not this)."""
        init = next((s for s in self.node.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
        return init is not None and any(isinstance(n, ast.Call) and _is_optimizer(_dotted(n.func) or "")
                                        for n in ast.walk(init))


_BLOCK_ENDINGS = ("block", "blk")
_CONV_LAYER = re.compile(r"(up|de|down)?conv(\d+(x\d+)?)?(s\d+)?")


def is_loss_class(name: str) -> bool:
    """``CrossEntropyLoss``, ``BCEWithLogitsLoss``, ``DiceLoss``, ``FocalLoss`` (a class: capitalized)."""
    return name[:1].isupper() and name.endswith("Loss") and len(name) > 4


def named_as_block(name: str) -> bool:
    """Whether the class's name says it is a part of a network: a block (``BasicBlock``,
    ``convblock``) or a convolution layer (``conv3x3``, ``upconv3x3``, ``conv3x3s1``, ``ResConv``,
    ``DoubleConv``, ``GatedConv2d``); not ``PConvUNet`` or ``MulLayer``."""
    lowered = name.lower().strip("_")
    return lowered.endswith(_BLOCK_ENDINGS) or _CONV_LAYER.fullmatch(lowered) is not None \
        or lowered.endswith(("conv", "conv2d"))


@dataclass(frozen=True)
class _Class:
    file: Path
    node: ast.ClassDef


@dataclass(frozen=True)
class _Module:
    file: Path  # a project module (a .py file or a package's __init__.py)


_Ref = _Class | _Module | str | None  # str: a dotted name outside the project ("torch.nn.Conv2d")


@dataclass(frozen=True)
class _Kind:
    layer: str | None
    forward: bool
    container: bool
    required: tuple[str, ...]


def module_classes(path: Path) -> dict[str, ModuleClass]:
    """The file's top-level classes that are ``nn.Module`` subclasses, by name, in source order."""
    path = path.resolve()
    tree = parsed(path)
    if tree is None:
        return {}
    found: dict[str, ModuleClass] = {}
    for node in _top_level(tree.body):
        if isinstance(node, ast.ClassDef):
            kind = _kind(path, node, frozenset())
            if kind is not None:
                found[node.name] = ModuleClass(node.name, node, kind.layer, kind.forward, kind.container,
                                               kind.required)
    return found


def _top_level(body: list[ast.stmt]):
    """The statements that run when the module is imported: the body, and the bodies of
    top-level ``if``/``try``/``with`` blocks (``if HAS_APEX: class FusedNorm(...)``); of a
    ``__main__`` block, the classes it defines (netlint defines them: a script's model)."""
    for node in body:
        yield node
        if is_main_block(node):
            yield from (s for s in node.body if isinstance(s, ast.ClassDef))
        elif isinstance(node, ast.If):
            yield from _top_level(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            yield from _top_level(node.body + [s for h in node.handlers for s in h.body] + node.orelse + node.finalbody)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            yield from _top_level(node.body)


def is_main_block(statement: ast.stmt) -> bool:
    """``if __name__ == "__main__":`` (what runs only when the file is run as a script)."""
    if not isinstance(statement, ast.If) or not isinstance(statement.test, ast.Compare):
        return False
    sides = [statement.test.left, *statement.test.comparators]
    return len(sides) == 2 and {ast.unparse(s) for s in sides} == {"__name__", "'__main__'"}


def _kind(file: Path, node: ast.ClassDef, seen: frozenset) -> _Kind | None:
    """What the class is, if it is an ``nn.Module`` subclass; None if it is not one (or the
    source cannot tell)."""
    key = (file, node.lineno)
    if key in seen:
        return None
    seen = seen | {key}
    bases = [kind for kind in (_base_kind(file, base, seen) for base in node.bases) if kind is not None]
    if not bases:
        return None
    own_forward = _forward_defined(node)
    forward = own_forward if own_forward is not None else any(b.forward for b in bases)
    own_init = next((s for s in node.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
    required = bases[0].required if own_init is None or _forwards_everything(own_init) else _required(own_init)
    return _Kind(next((b.layer for b in bases if b.layer), None), forward,
                 any(b.container for b in bases) and own_forward is None, required)


def _base_kind(file: Path, base: ast.expr, seen: frozenset) -> _Kind | None:
    dotted = _dotted(base)
    ref = _resolve(file, dotted, seen) if dotted else None
    if isinstance(ref, _Class):
        return _kind(ref.file, ref.node, seen)
    if isinstance(ref, str):
        return _external_kind(ref)
    return None


def _external_kind(dotted: str) -> _Kind | None:
    """A class of torch, torchvision, timm or transformers, or another library's module base,
    by its dotted path."""
    parts = dotted.split(".")
    root, last = parts[0], parts[-1]
    if root == "torch":
        if dotted == "torch.jit.ScriptModule":
            return _Kind(None, False, False, ())
        if parts[1:2] != ["nn"] or len(parts) < 3 or not (last[:1].isupper() or last.startswith("_")) \
                or "Parameter" in last or last == "Buffer" \
                or any(p in ("functional", "init", "utils", "parameter") for p in parts[2:-1]):
            return None
        if last == "Module":
            return _Kind(None, False, False, ())
        if last in _CONTAINERS:
            return _Kind(None, False, True, ())
        return _Kind(None if last == "Sequential" else dotted, True, False, ())
    if root == "torchvision" and parts[1:2] in (["models"], ["ops"]):
        return _Kind(dotted if parts[1] == "ops" else None, True, False, ())
    if root == "timm" and parts[1:2] in (["models"], ["layers"]):
        return _Kind(dotted if parts[1] == "layers" else None, True, False, ())
    if root == "transformers" and ("Model" in last or "For" in last):
        return _Kind(None, True, False, ())
    if _MODULE_BASES.get(root) == last:
        return _Kind(None, False, False, ())
    return None


def _forward_defined(node: ast.ClassDef) -> bool | None:
    """Whether the class's own body implements ``forward`` (None: it does not define one;
    False: it defines one that only raises NotImplementedError or does nothing)."""
    for statement in node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == "forward":
            if any(_dotted(d) in ("abstractmethod", "abc.abstractmethod") for d in statement.decorator_list):
                return False
            body = [s for s in statement.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            return not (len(body) <= 1 and all(_does_nothing(s) for s in body))
        if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "forward"
                                                     for t in statement.targets):
            return True
    return None


def _returns_only_a_loss(node: ast.ClassDef) -> bool:
    """Every ``return`` of the class's own forward gives a loss: a call of a loss (``self.loss_fn``,
    ``self.criterion``, ``F.mse_loss``) or a name bound only to such calls. A forward that
    returns its output too (``return out, loss``), or its output at inference, maps tensors."""
    forward = next((s for s in node.body if isinstance(s, ast.FunctionDef) and s.name == "forward"), None)
    if forward is None:
        return False
    bound: dict[str, list[ast.expr]] = {}
    for n in ast.walk(forward):
        if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and n.value is not None:
            for target in (n.targets if isinstance(n, ast.Assign) else [n.target]):
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(n.value)
    returns = [n.value for n in ast.walk(forward) if isinstance(n, ast.Return)]

    def loss(value: ast.expr | None) -> bool:
        if isinstance(value, ast.Name):
            return bool(bound.get(value.id)) and all(_is_loss_call(v) for v in bound[value.id])
        return _is_loss_call(value)

    return bool(returns) and all(loss(value) for value in returns)


def _is_loss_call(value: ast.expr | None) -> bool:
    if not isinstance(value, ast.Call):
        return False
    callee = (_dotted(value.func) or "").rpartition(".")[2].lower()
    return "loss" in callee or "criterion" in callee


def _is_optimizer(dotted: str) -> bool:
    return "optim." in f".{dotted}" or dotted.rpartition(".")[2] in _OPTIMIZERS


def _does_nothing(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        exc = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
        return _dotted(exc) == "NotImplementedError"
    return False


def _forwards_everything(init: ast.FunctionDef) -> bool:
    """``def __init__(self, *args, **kwargs)``: the base's arguments are the class's."""
    args = init.args
    return args.vararg is not None and len(args.posonlyargs + args.args) <= 1 and not args.kwonlyargs


def _required(init: ast.FunctionDef) -> tuple[str, ...]:
    args = init.args
    positional = args.posonlyargs + args.args
    required = positional[1:len(positional) - len(args.defaults)]
    required_kw = [a for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    return tuple(a.arg for a in required + required_kw)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    if isinstance(node, ast.Subscript):  # Generic[...] and friends
        return _dotted(node.value)
    return None  # class Net(make_base()): unknown


def _resolve(file: Path, dotted: str, seen: frozenset) -> _Ref:
    first, *rest = dotted.split(".")
    ref = _lookup(file, first, seen)
    for attribute in rest:
        ref = _attribute(ref, attribute, seen)
    return ref


def _attribute(ref: _Ref, name: str, seen: frozenset) -> _Ref:
    if isinstance(ref, str):
        return f"{ref}.{name}"
    if isinstance(ref, _Module):
        found = _lookup(ref.file, name, seen)
        if found is None and ref.file.name == "__init__.py":  # a submodule of the package
            found = _project_module(ref.file.parent, [name])
        return found
    return None  # a class's attribute (a nested class) or unknown


def _lookup(file: Path, name: str, seen: frozenset) -> _Ref:
    """What ``name`` means at the top level of ``file``: the last binding wins, then star imports."""
    key = (file, name)
    if key in seen:  # (modules that import each other)
        return None
    seen = seen | {key}
    tree = parsed(file)
    if tree is None:
        return None
    binding: _Ref = None
    bound = False
    stars: list[ast.ImportFrom] = []
    for node in _top_level(tree.body):
        if isinstance(node, ast.ClassDef) and node.name == name:
            binding, bound = _Class(file, node), True
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname == name:
                    binding, bound = _import(file, alias.name, 0), True
                elif alias.asname is None and alias.name.split(".")[0] == name:
                    binding, bound = _import(file, name, 0), True
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    stars.append(node)
                elif (alias.asname or alias.name) == name:
                    binding, bound = _imported(file, node, alias.name, seen), True
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = _dotted(node.value) if isinstance(node.value, (ast.Name, ast.Attribute)) else None
            binding, bound = (_resolve(file, value, seen) if value else None), True
    if bound:
        return binding
    for star in stars:
        module = _import(file, star.module or "", star.level)
        if isinstance(module, _Module):
            found = _lookup(module.file, name, seen)
            if found is not None:
                return found
        elif isinstance(module, str) and module in ("torch.nn", "torch.nn.modules") and name in _STAR_FROM_TORCH_NN:
            return f"torch.nn.{name}"
    return None


def _imported(file: Path, node: ast.ImportFrom, name: str, seen: frozenset) -> _Ref:
    """``from module import name``: the module's attribute, else its submodule."""
    found = _attribute(_import(file, node.module or "", node.level), name, seen)
    if found is None:
        submodule = _import(file, ".".join(filter(None, (node.module, name))), node.level)
        found = submodule if isinstance(submodule, _Module) else None
    return found


def _import(file: Path, module: str, level: int) -> _Module | str | None:
    """The module an import statement in ``file`` names: a file of the project, else its dotted
    name (an installed package, or a missing one); None for a relative import that names no file."""
    parts = module.split(".") if module else []
    if level:
        folder = file.parent
        for _ in range(level - 1):
            folder = folder.parent
        return _project_module(folder, parts)
    if parts and parts[0] in TORCH_ROOTS:
        return module
    for root in _import_roots(file, Path.cwd()):
        found = _project_module(root, parts)
        if found is not None:
            return found
    return module or None


@functools.lru_cache(maxsize=1024)
def _import_roots(file: Path, _cwd: Path) -> list[Path]:
    return import_roots(file)


def _project_module(folder: Path, parts: list[str]) -> _Module | None:
    candidates = [folder.joinpath(*parts, "__init__.py")]
    if parts:
        candidates.insert(0, folder.joinpath(*parts).with_suffix(".py"))
    return next((_Module(c.resolve()) for c in candidates if c.is_file()), None)


@dataclass(frozen=True)
class Factory:
    """A function (or a top-level ``partial``) that builds a class and returns it whole."""

    name: str
    line: int
    returns: frozenset[str]  # the classes it returns
    required: tuple[str, ...]  # its parameters without defaults
    forwards_only: bool = False  # ``def resnext(**kwargs): return Net(**kwargs)``: the class's arguments are its


MODEL_WRAPPERS = {"to", "cuda", "cpu", "eval", "train", "float", "half", "double"}  # Net(...).to(device) is a Net


def factories(body: list[ast.stmt], classes: set[str], methods: bool = False) -> dict[str, Factory]:
    """The functions of ``body`` that return an instance of one of ``classes``, by name: ``return
    Net(...)``; a variable that holds one (``model = Net(opt); model.cfg = ...; return model``);
    a helper given the class (``return build_model_with_cfg(Net, cfg)``, ``partial(Net, k=3)()``);
    a call of another such function of ``body`` (``return _load_model('resnet50', 21)``), so a
    chain of helpers is followed; and a top-level ``resnet18 = partial(ResNet, ...)``. Any
    decorator (a registry's ``@register_model``) is kept. With ``methods`` (a class's body):
    its classmethods and staticmethods, ``cls(...)`` building the class."""
    functions = [f for f in body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and not _does_work(f)
                 and (not methods or {_dotted(d) for d in f.decorator_list} & {"classmethod", "staticmethod"})]
    names = {f.name: _forwarded(f) for f in functions}
    builders: dict[str, set[str]] = {c: {c} for c in classes}
    changed = True
    while changed:  # a helper's helper: until nothing new is found
        changed = False
        for function in functions:
            local = dict(builders)
            positional = function.args.posonlyargs + function.args.args
            if methods and positional and "classmethod" in {_dotted(d) for d in function.decorator_list}:
                local[positional[0].arg] = set(classes)  # cls
            returned = _returned(function, local, names)
            if not returned <= builders.get(function.name, set()):
                builders[function.name] = builders.get(function.name, set()) | returned
                changed = True
    found: dict[str, Factory] = {}
    for function in functions:
        if builders.get(function.name):
            args = function.args
            positional = args.posonlyargs + args.args
            is_classmethod = methods and "classmethod" in {_dotted(d) for d in function.decorator_list}
            own = positional[1:] if is_classmethod else positional
            required = [a.arg for a in own[:len(own) - len(args.defaults)]]
            required += [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
            forwards_only = not own and not args.kwonlyargs and _passes_all_on(function, builders[function.name])
            found[function.name] = Factory(function.name, function.lineno, frozenset(builders[function.name]),
                                           tuple(required), forwards_only)
    if not methods:
        for statement in body:
            if isinstance(statement, ast.Assign) and _partial_of(statement.value, classes):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = Factory(target.id, statement.lineno,
                                                   frozenset({_partial_of(statement.value, classes)}), ())
    return found


def _passes_all_on(function: ast.FunctionDef | ast.AsyncFunctionDef, classes: set[str]) -> bool:
    """``def resnext(**kwargs): return CifarResNeXt(**kwargs)``: its class called with nothing
    but the function's own ``*args, **kwargs``."""
    args = function.args
    if args.kwarg is None:
        return False
    own = {args.kwarg.arg, args.vararg.arg if args.vararg else None}
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes:
            given = [a.value if isinstance(a, ast.Starred) else a for a in node.args]
            given += [k.value for k in node.keywords]
            if all(k.arg is None for k in node.keywords) and given and \
                    all(isinstance(a, ast.Name) and a.id in own for a in given):
                return True
    return False


_WORK = {"parse_args", "parse_known_args", "backward", "save", "fit", "input", "exit"}


def _does_work(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A script's function (``main()``: it parses the command line, trains, saves), never
    called to build a model, even when it returns one."""
    return function.name == "main" or any(
        isinstance(n, ast.Call) and (_dotted(n.func) or "").rpartition(".")[2] in _WORK for n in ast.walk(function))


def _returned(function: ast.AST, builders: dict[str, set[str]], functions: dict[str, set[int | str]]) -> set[str]:
    """The classes ``function`` returns, built by ``builders`` (name -> the classes a call of it builds)."""
    held: dict[str, set[str]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            made = _made(node.value, builders, functions, held)
            for target in node.targets:
                if isinstance(target, ast.Name) and made:
                    held[target.id] = held.get(target.id, set()) | made
    returned: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and node.value is not None:
            returned |= _made(node.value, builders, functions, held)
    return returned


def _made(node: ast.expr, builders: dict[str, set[str]], functions: dict[str, set[int | str]],
          held: dict[str, set[str]]) -> set[str]:
    """The classes an expression evaluates to an instance of, as far as ``ast`` tells
    (``functions``: the file's functions, each with the parameters whose call it returns)."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MODEL_WRAPPERS:
        node = node.func.value  # Net(...).to(device).eval()
    if isinstance(node, ast.Name):
        return held.get(node.id, set())
    if isinstance(node, ast.IfExp):
        return _made(node.body, builders, functions, held) | _made(node.orelse, builders, functions, held)
    if not isinstance(node, ast.Call):
        return set()
    func = node.func
    if isinstance(func, ast.Call):  # partial(Net, ...)()
        partial = _partial_of(func, set().union(*builders.values()) if builders else set())
        return {partial} if partial else set()
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):  # cls.from_name(...), Net.build(...)
        func = func.value
    if isinstance(func, ast.Name) and func.id in builders:
        return set(builders[func.id])
    if (_dotted(func) or "").rpartition(".")[2][:1].isupper():  # another class, given a block: SENet(SEBottleneck, ...)
        return set()
    if isinstance(func, ast.Name) and func.id in functions:  # a helper of the file: _create(Net, 'small')
        forwarded = functions[func.id]
        given = [a for i, a in enumerate(node.args) if i in forwarded]
        given += [k.value for k in node.keywords if k.arg in forwarded]
    else:  # another module's helper given the class: build_model_with_cfg(Net, ...)
        given = [*node.args, *(k.value for k in node.keywords)]
    classes = {c for a in given if isinstance(a, ast.Name) and a.id in builders and a.id not in functions
               for c in builders[a.id]}
    instances = {c for a in given if isinstance(a, ast.Name) and a.id in held for c in held[a.id]}
    return classes | instances  # (``return init_net(net, init_type)``: the instance it was given, initialized)


def _forwarded(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[int | str]:
    """The parameters (positions and names) whose call the function returns: ``def
    _create(model_cls, variant): model = model_cls(...); return model``; or that it returns as
    given (``def init_net(net, init_type): ...; return net``)."""
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    parameters = set(positional) | {a.arg for a in function.args.kwonlyargs}
    held = {t.id: n.value for n in ast.walk(function) if isinstance(n, ast.Assign)
            for t in n.targets if isinstance(t, ast.Name)}
    called: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and node.value is not None:
            value = node.value
            if isinstance(value, ast.Name) and value.id in parameters:  # ``def init_net(net, ...): return net``
                called.add(value.id)
                continue
            if isinstance(value, ast.Name) and value.id in held:
                value = held[value.id]
            while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
                    and value.func.attr in MODEL_WRAPPERS:
                value = value.func.value
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in parameters:
                called.add(value.func.id)
    return {i for i, name in enumerate(positional) if name in called} | called


def _partial_of(node: ast.expr, classes: set[str]) -> str | None:
    """``partial(Net, ...)`` / ``functools.partial(Net, ...)``: the class."""
    if isinstance(node, ast.Call) and _dotted(node.func) in ("partial", "functools.partial") and node.args \
            and isinstance(node.args[0], ast.Name) and node.args[0].id in classes:
        return node.args[0].id
    return None


def builds(node: ast.AST, means: Callable[[ast.expr], bool]) -> ast.expr | None:
    """The first expression under ``node`` that names what ``means`` accepts to build it or to
    hand it on (a call, an argument such as ``make_layer(Block, 2)``, a list item); naming it
    to call its methods (``Block.__init__(self)``) or as ``super()``'s or ``isinstance``'s
    argument is not building it."""
    return next((n for n in _building_names(node) if means(n)), None)


def _building_names(node: ast.AST) -> list[ast.expr]:
    ignored = {id(n.value) for n in ast.walk(node) if isinstance(n, ast.Attribute)}
    ignored |= {id(a) for n in ast.walk(node) if isinstance(n, ast.Call) and _dotted(n.func) in ("super", "isinstance")
                for a in n.args}
    return [n for n in ast.walk(node) if isinstance(n, (ast.Name, ast.Attribute))
            and isinstance(n.ctx, ast.Load) and id(n) not in ignored]


def helpers_building(body: list[ast.stmt], means: Callable[[ast.expr], bool]) -> set[str]:
    """The top-level functions of ``body`` that build what ``means`` accepts, directly or
    through another of them (``def make_layer(n): return nn.Sequential(*[Block() for _ in
    range(n)])``); a function that shadows the name with a parameter of its own does not."""
    names = _function_names(tuple(body))
    found = {f for f, nodes in names.items() if any(means(n) for n in nodes)}
    return _through(names, found)


def helpers_of(body: list[ast.stmt], name: str) -> set[str]:
    """``helpers_building`` for a name of the file (its class ``name``)."""
    names = _function_names(tuple(body))
    return _through(names, {f for f, nodes in names.items() if any(isinstance(n, ast.Name) and n.id == name
                                                                    for n in nodes)})


@functools.lru_cache(maxsize=64)
def _function_names(body: tuple[ast.stmt, ...]) -> dict[str, list[ast.expr]]:
    """Each top-level function's building names (``_building_names``), but its own parameters."""
    found = {}
    for function in body:
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            shadowed = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
            found[function.name] = [n for n in _building_names(function)
                                    if not (isinstance(n, ast.Name) and n.id in shadowed)]
    return found


def _through(names: dict[str, list[ast.expr]], found: set[str]) -> set[str]:
    """``found`` and the functions that call one of them, until none is added."""
    called = {f: {n.id for n in nodes if isinstance(n, ast.Name)} for f, nodes in names.items()}
    changed = True
    while changed:
        more = {f for f, used in called.items() if f not in found and used & found}
        found |= more
        changed = bool(more)
    return found


def names_module_class(file: Path, dotted: str) -> bool:
    """Whether ``dotted``, at the top level of ``file``, names an ``nn.Module`` class of the project."""
    ref = _resolve(file.resolve(), dotted, frozenset())
    return isinstance(ref, _Class) and _kind(ref.file, ref.node, frozenset()) is not None




def imported_project_files(file: Path) -> list[tuple[str, Path | None]]:
    """What ``file``'s imports name: the module as written (``.model``, ``models.gan``) with each
    project file it reaches (the module, the file defining a name imported from it), or None
    (not a file of the project, or not found from here)."""
    file = file.resolve()
    tree = parsed(file)
    found: list[tuple[str, Path | None]] = []
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Import):
            refs = [(alias.name, _import(file, alias.name, 0)) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            written = "." * node.level + (node.module or "")
            refs = [(written, _import(file, node.module or "", node.level))]
            refs += [(written, _imported(file, node, alias.name, frozenset())) for alias in node.names
                     if alias.name != "*"]
        else:
            continue
        found += [(module, ref.file if isinstance(ref, (_Module, _Class)) else None) for module, ref in refs]
    return found
