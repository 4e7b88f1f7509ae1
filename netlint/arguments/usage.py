"""What a constructor does with a parameter that no name convention covers, read from its
body with ``ast`` (netlint's guesses: a skip, naming the guess, when they do not build):

- where the model runs (``device``, ``gpu_ids``, ``ngpu``): the CPU, no GPU ids, no GPUs;
- loaded as a state dict (``self.encoder.load_state_dict(p)``, also in the constructor of a
  project class it is passed to: ``Encoder(p)``): netlint's stand-in for weights, a weights
  request the module that loads it receives; read as a checkpoint file (``torch.load(p)``):
  a checkpoint not on disk, which gives the same stand-in;
- called (``block(64, 64)``): the module classes and functions of its file and those it
  imports from the project named like it (``ResidualBlock``, ``default_conv`` for ``conv``)
  that take the call's arguments (``block.expansion`` read: that have it), classes first;
  looked up on a module (``getattr(backbones, p)(pretrained=False)``): the names of that
  module's functions and classes that take the call's arguments;
- a count (``range(p)``, ``[conv] * p``, compared with a number, a factor of a layer's width):
  the default of a parameter of that name elsewhere in its file, else a few small numbers.

A parameter given alone to a layer as its channels (``nn.Conv2d(C_in, C_out, 1)``) is not
guessed: that is how building blocks take their widths, and a block built alone is no model."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from typing import Any

from netlint.arguments.code_hints import Hint
from netlint.arguments.options import (NOT_A_DEVICE, OPTION_NAMES, device_value, own_init, positional_parameters,
                                      resolve_callee)
from netlint.arguments.project_text import file_tree
from netlint.paths import display_path
from netlint.source import parse_function

GPU_COUNTS = {"ngpu", "ngpus", "n_gpu", "n_gpus", "num_gpu", "num_gpus", "gpu_count", "nb_gpu", "n_gpus_per_node"}
COUNT_VALUES = (4, 2, 3, 6, 8)
MAX_CLASSES = 4
_STATE_DICT_LOADERS = {"load_state_dict"}
_FILE_LOADERS = {"load"}  # torch.load(p), np.load(p)
_DEPTH = 2  # project constructors followed for a parameter passed on


class StateDictStandIn:
    """A state dict netlint stands in for, given to a parameter the constructor loads as one:
    read, when the model is built, as a checkpoint that is not on disk (the weights request
    the module that loads it receives)."""

    def __init__(self, parameter: str) -> None:
        self.parameter = parameter

    def __repr__(self) -> str:
        return f"<a state dict for {self.parameter}>"

    def load(self) -> Any:
        import torch

        return torch.load(f"{self.parameter} (a state dict netlint stands in for)")


class WithStandIns:
    """Calls ``factory`` with each ``StateDictStandIn`` among its arguments read as weights:
    inside the build, where a missing checkpoint gives the stand-in weights."""

    def __init__(self, factory: Any) -> None:
        self.factory = factory
        try:
            self.__signature__ = inspect.signature(factory)
        except (TypeError, ValueError):
            pass

    def __call__(self, *args, **kwargs) -> Any:
        args = [a.load() if isinstance(a, StateDictStandIn) else a for a in args]
        kwargs = {k: v.load() if isinstance(v, StateDictStandIn) else v for k, v in kwargs.items()}
        return self.factory(*args, **kwargs)


def has_stand_ins(values: dict[str, Any]) -> bool:
    return any(isinstance(v, StateDictStandIn) for v in values.values())


def usage_hint(factory: Any, name: str, namespace: dict[str, Any]) -> Hint | None:
    """The values to try for ``name`` by what ``factory``'s constructor does with it."""
    on_cpu = device_value(name)
    if on_cpu is not NOT_A_DEVICE:
        return Hint((on_cpu,), "where netlint runs the model (the CPU)")
    if name.lower() in GPU_COUNTS:
        return Hint((0, 1), "where netlint runs the model (the CPU: no GPUs)")
    if set(name.lower().split("_")) & OPTION_NAMES:  # options and configurations have sources of their own
        return None
    init, owner = _init(factory)
    function = _function_node(init)
    if function is None:
        return None
    where = _where(init)
    names = _tainted(function, name)
    loaded = _loaded_as(function, name, init, owner, _DEPTH)
    if loaded == "state_dict":
        return Hint((StateDictStandIn(name),), f"a state dict netlint stands in for, as {where} loads it",
                    ("<a state dict>",))
    if loaded == "file":
        return Hint((f"{name}.pth",), f"a checkpoint not on disk, as {where} loads it")
    called = _called(function, name, init, owner, _DEPTH)
    if called is not None:
        call, body, body_init, inner = called
        if _is_name(call.func, {inner}):
            return _classes(call, inner, body, factory, namespace, where, name)
        return _named_callables(call, body, namespace, body_init, where)
    if length := sequence_length(factory, name):
        return Hint(tuple([v] * length for v in (2, 1)), f"counts, one per stage, as {where} reads them")
    if _counts(function, names):
        return Hint(_count_values(name, init), f"a count, as {where} uses it")
    return None


ITERATED_LENGTH = 4  # the stages of a list the constructor iterates (ResNet's four)


def sequence_length(factory: Any, name: str) -> int | None:
    """How many values a parameter the constructor indexes with constants (``layers[3]``: 4)
    or iterates (``for n in stage_sizes``, ``enumerate(stage_sizes)``) holds; None otherwise."""
    init, _owner = _init(factory)
    function = _function_node(init)
    if function is None or set(name.lower().split("_")) & OPTION_NAMES:
        return None
    length = None
    for node in ast.walk(function):
        if isinstance(node, ast.Subscript) and _is_name(node.value, {name}) and isinstance(node.slice, ast.Constant) \
                and type(node.slice.value) is int and node.slice.value >= 0:
            length = max(length or 0, node.slice.value + 1)
        elif isinstance(node, (ast.For, ast.comprehension)) and _iterates(node.iter, name):
            length = max(length or 0, ITERATED_LENGTH)
    return length


def _iterates(node: ast.expr, name: str) -> bool:
    if _is_name(node, {name}):
        return True
    return isinstance(node, ast.Call) and _is_name(node.func, {"enumerate", "zip", "reversed"}) \
        and any(_is_name(a, {name}) for a in node.args)


def _init(factory: Any) -> tuple[Any, type | None]:
    if inspect.isclass(factory):
        return own_init(factory), factory
    return getattr(factory, "__func__", factory), None


def _function_node(init: Any) -> ast.FunctionDef | None:
    try:
        tree = parse_function(init)
    except (TypeError, ValueError, OSError, SyntaxError):
        return None
    node = tree.body[0] if tree.body else None
    return node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def _where(init: Any) -> str:
    try:
        path = inspect.getsourcefile(init)
        line = inspect.getsourcelines(init)[1]
    except (TypeError, OSError):
        return "its constructor"
    return f"its constructor ({display_path(Path(path))}:{line})" if path else "its constructor"


def _is_name(node: ast.expr, names: set[str]) -> bool:
    return isinstance(node, ast.Name) and node.id in names


def _mentions(node: ast.expr, names: set[str]) -> bool:
    return any(_is_name(n, names) for n in ast.walk(node))


def _tainted(function: ast.AST, name: str) -> set[str]:
    """The parameter and the local names computed from it (``out_channels = 3 * n_outputs``)."""
    names = {name}
    changed = True
    while changed:
        changed = False
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and _mentions(node.value, names) \
                    and not isinstance(node.value, ast.Call):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id not in names:
                        names.add(target.id)
                        changed = True
    return names


def _loaded_as(function: ast.AST, name: str, init: Any, owner: type | None, depth: int) -> str | None:
    """"state_dict" when the code loads the parameter as one, "file" when it loads a file it names."""
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        argument = node.args[0] if node.args else None
        if isinstance(func, ast.Attribute) and func.attr in _STATE_DICT_LOADERS and argument is not None \
                and (_is_name(argument, {name}) or _subscript_of(argument, name)):
            return "state_dict"
        if isinstance(func, ast.Attribute) and func.attr in _FILE_LOADERS and _is_name(argument, {name}) \
                and isinstance(func.value, ast.Name) and func.value.id in {"torch", "np", "numpy"}:
            return "file"
        if depth and any(_is_name(a, {name}) for a in [*node.args, *(k.value for k in node.keywords)]):
            found = _passed_on(node, name, init, owner, depth)
            if found:
                return found
    return None


def _subscript_of(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Subscript) and _is_name(node.value, {name})


def _passed_on(call: ast.Call, name: str, init: Any, owner: type | None, depth: int) -> str | None:
    """What a project constructor or function the parameter is passed to does with it."""
    from netlint.user_code import is_library_file

    callee = resolve_callee(call.func, init, owner)
    if callee is None:
        return None
    inner, inner_owner = _init(callee)
    try:
        file = inspect.getsourcefile(inner) if inspect.isfunction(inner) else None
    except TypeError:
        file = None
    if not file or is_library_file(file):
        return None
    positional = positional_parameters(call, callee, owner)
    targets = [positional[i] for i, a in enumerate(call.args) if _is_name(a, {name}) and i < len(positional)]
    targets += [k.arg for k in call.keywords if k.arg and _is_name(k.value, {name})]
    node = _function_node(inner)
    if node is None:
        return None
    for target in targets:
        found = _loaded_as(node, target, inner, inner_owner, depth - 1)
        if found:
            return found
    return None


def _called(function: ast.AST, name: str, init: Any, owner: type | None,
            depth: int) -> tuple[ast.Call, ast.AST, Any, str] | None:
    """The call of the parameter (``name(...)``, ``getattr(module, name)(...)``) in the
    constructor or in a method of the class it is passed to (``self._make_layer(block, 64)``),
    with the body and the function that make it, and the parameter's name there."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and (_is_name(node.func, {name}) or _is_getattr_of(node.func, name)):
            return node, function, init, name
    if not depth or owner is None:
        return None
    for node in ast.walk(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and _is_name(node.func.value, {"self"})):
            continue
        callee = resolve_callee(node.func, init, owner)
        positional = positional_parameters(node, callee, owner) if callee is not None else []
        targets = [positional[i] for i, a in enumerate(node.args) if _is_name(a, {name}) and i < len(positional)]
        targets += [k.arg for k in node.keywords if k.arg and _is_name(k.value, {name})]
        body = _function_node(callee) if targets else None
        for target in targets if body is not None else ():
            found = _called(body, target, callee, owner, depth - 1)
            if found is not None:
                return found
    return None


def _is_getattr_of(func: ast.expr, name: str) -> bool:
    return isinstance(func, ast.Call) and _is_name(func.func, {"getattr"}) and len(func.args) >= 2 \
        and _is_name(func.args[1], {name})


def _binds(callable_: Any, call: ast.Call) -> bool:
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return True
    try:
        inspect.signature(callable_).bind(*[None] * len(call.args), **{k.arg: None for k in call.keywords})
    except (TypeError, ValueError):
        return False
    return True


def _names_keywords(callable_: Any, call: ast.Call) -> bool:
    try:
        parameters = inspect.signature(callable_).parameters
    except (TypeError, ValueError):
        return False
    return all(k.arg in parameters for k in call.keywords if k.arg)


def _classes(call: ast.Call, name: str, function: ast.AST, factory: Any, namespace: dict[str, Any],
             where: str, given_as: str) -> Hint | None:
    """The project's module classes and functions named like the parameter (``block``:
    ``ResidualBlock``; ``conv``: ``default_conv``) that take the call and have the attributes
    the code reads on it (``block.expansion``), classes first."""
    from torch import nn

    from netlint.user_code import is_library_file

    read = {n.attr for n in ast.walk(function) if isinstance(n, ast.Attribute) and _is_name(n.value, {name})}
    words = {w for w in f"{name}_{given_as}".lower().split("_") if len(w) >= 3}  # (its name in the call's method too)
    found = []
    for value in list(namespace.values()):
        is_module_class = inspect.isclass(value) and issubclass(value, nn.Module)
        if not (is_module_class or inspect.isfunction(value)) or value is factory or value in found \
                or (inspect.isclass(factory) and inspect.isclass(value) and issubclass(value, factory)) \
                or not any(w in value.__name__.lower() for w in words):
            continue
        try:
            file = inspect.getsourcefile(value)
        except TypeError:
            continue
        if not file or is_library_file(file) or not all(hasattr(value, a) for a in read) or not _binds(value, call):
            continue
        found.append(value)
    if not found:
        return None
    found.sort(key=lambda c: not inspect.isclass(c))
    found = found[:MAX_CLASSES]
    return Hint(tuple(found), f"the project's {given_as} classes and functions that take the call {where} makes",
                tuple(c.__name__ for c in found))


def _named_callables(call: ast.Call, function: ast.AST, namespace: dict[str, Any], init: Any,
                     where: str) -> Hint | None:
    """``getattr(module, p)(...)``: the names of the module's own callables the call fits."""
    holder = call.func.args[0]
    module = namespace.get(holder.id) if isinstance(holder, ast.Name) else None
    if module is None and isinstance(holder, ast.Name):
        module = _imported_locally(function, holder.id, init)
    if not inspect.ismodule(module):
        return None
    names = [n for n, v in vars(module).items() if not n.startswith("_") and callable(v)
             and getattr(v, "__module__", None) == module.__name__ and _binds(v, call)]
    if not names:
        return None
    # those that name the call's keywords (not one that takes anything: ``*args, **kwargs``) first
    names.sort(key=lambda n: not _names_keywords(vars(module)[n], call))
    names = names[:MAX_CLASSES]
    return Hint(tuple(names), f"the names of {module.__name__}'s functions that take the call {where} makes")


def _imported_locally(function: ast.AST, name: str, init: Any) -> Any:
    """``backbones = importlib.import_module(".resnet_3D", "model")`` in the constructor: that module."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(_is_name(t, {name}) for t in node.targets) \
                and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute) \
                and node.value.func.attr == "import_module" and node.value.args:
            try:
                arguments = [ast.literal_eval(a) for a in node.value.args]
            except ValueError:
                return None
            if len(arguments) == 1 and str(arguments[0]).startswith("."):
                arguments.append(getattr(inspect.getmodule(init), "__package__", None))
            try:
                return importlib.import_module(*arguments)
            except Exception:  # (the project's module: what fails to import is no candidate)
                return None
    return None


def _counts(function: ast.AST, names: set[str]) -> bool:
    """Counted with (``range(p)``), multiplied by (``[conv] * p``, a factor: ``nf * n_inputs``)
    or compared with a whole number (``if n_outputs > 1``)."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and _is_name(node.func, {"range"}) \
                and any(_mentions(a, names) for a in node.args):
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) \
                and any(_is_name(s, names) for s in (node.left, node.right)):
            return True
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.left, ast.Name) \
                and node.left.id in names and isinstance(node.ops[0], (ast.Gt, ast.GtE, ast.Lt, ast.LtE)) \
                and isinstance(node.comparators[0], ast.Constant) and type(node.comparators[0].value) is int:
            return True
    return False


def _count_values(name: str, init: Any) -> tuple[int, ...]:
    """A default of a parameter of the same name elsewhere in the file, then small counts."""
    from netlint.arguments.constraints import admits

    try:
        tree = file_tree(Path(inspect.getsourcefile(init) or ""))
    except TypeError:
        tree = None
    found: list[int] = []
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args.args[len(node.args.args) - len(node.args.defaults):]
            for argument, default in zip(arguments, node.args.defaults):
                if argument.arg == name and isinstance(default, ast.Constant) and type(default.value) is int \
                        and 0 < default.value <= 64 and default.value not in found:
                    found.append(default.value)
    values = [*found, *(v for v in COUNT_VALUES if v not in found)]
    return tuple(v for v in values if admits(init, name, v)) or tuple(values)
