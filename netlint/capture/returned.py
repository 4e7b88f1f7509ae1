"""What a model returns, read from its forward's code when no forward ran (the module-tree
tier): for each returned value, the last step that made it — a submodule (``self.fc``,
``self.softmax``), or a torch activation function (``F.softmax(x)``, ``torch.sigmoid(...)``,
``x.log_softmax(1)``) at its line. The last-layer/loss rules pair it with the loss.

Only the forms read without doubt are followed: an assignment before the return, a tuple
unpacked from a call, reshapes and slices, a submodule's or a method's own return, writes into
a buffer the forward returns (``outputs[t] = output``). Anything else is unknown (None).
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from pathlib import Path

from torch import nn

from netlint.arguments.call import dotted_name
from netlint.capture.ops import ACTIVATION_MODULES
from netlint.paths import display_path
from netlint.source import parse_function

TORCH_MODULES = ("F", "functional", "nn.functional", "torch.nn.functional", "torch")
ACTIVATION_FUNCTIONS = ("softmax", "log_softmax", "sigmoid", "relu", "tanh")
# calls that keep the values (a reshape, a cast, a copy): the value is its input's
KEEPS_VALUES = {"view", "reshape", "squeeze", "unsqueeze", "flatten", "contiguous", "float", "double", "half",
                "transpose", "permute", "resize", "view_as", "reshape_as", "clone", "detach", "to", "cuda", "cpu"}
BUFFERS = {"zeros", "empty", "ones", "zeros_like", "empty_like", "Variable"}  # a tensor filled in by the forward
PASSED_ON = (nn.Dropout, nn.Identity, nn.Flatten, nn.Unflatten)  # last in a Sequential, they keep the values
MAX_DEPTH = 4


@dataclass(frozen=True)
class LastStep:
    """What made a returned value: a submodule (``module``, its qualified name) or an
    activation function (``function``) at ``path``:``line``."""

    module: str = ""
    function: str = ""
    path: str = ""
    line: int = 0
    column: int = 1
    end_line: int = 0


def returned_steps(model: nn.Module) -> tuple[LastStep | None, ...]:
    """The last step of each value the forward returns (several for a tuple), None for one the
    code does not say; () when the forward cannot be read."""
    try:
        returned = _Reader().method(model, "", "forward", 0)
    except (RecursionError, AttributeError, TypeError, ValueError, IndexError):
        return ()  # code shaped in a way not foreseen here: it says nothing
    if returned is None:
        return ()
    return returned if isinstance(returned, tuple) else (returned,)


def training_steps(model: nn.Module) -> tuple[LastStep | None, ...] | None:
    """What the forward returns in training mode, when its returns depend on ``self.training``
    (logits while training, probabilities otherwise); None when they do not, or cannot be read.
    The loss is applied in training mode: this is the output it reads."""
    try:
        returned = _Reader(mode="train").method(model, "", "forward", 0)
    except (RecursionError, AttributeError, TypeError, ValueError, IndexError):
        return None
    if returned is _NOT_BY_MODE:
        return None
    return returned if isinstance(returned, tuple) else (returned,)


def returned_keys(model: nn.Module) -> tuple[str, ...]:
    """The keys of the dict the forward returns, in order (``return {"boxes": b, "logits": l}``,
    ``dict(boxes=b, logits=l)``), when every return spells the same ones; () otherwise."""
    function = inspect.getattr_static(type(model), "forward", None)
    try:
        definition = parse_function(function).body[0] if inspect.isfunction(function) else None
    except (OSError, TypeError, SyntaxError, ValueError):
        return ()
    if not isinstance(definition, ast.FunctionDef):
        return ()
    spelled = set()
    for node in _own_nodes(definition):
        if isinstance(node, ast.Return) and node.value is not None:
            value = node.value
            if isinstance(value, ast.Dict) and all(isinstance(k, ast.Constant) for k in value.keys):
                spelled.add(tuple(str(k.value) for k in value.keys))
            elif isinstance(value, ast.Call) and dotted_name(value.func) == "dict" and not value.args:
                spelled.add(tuple(str(k.arg) for k in value.keywords))
            else:
                return ()
    return spelled.pop() if len(spelled) == 1 else ()


_NOT_BY_MODE = object()  # the forward's returns do not depend on self.training


class _Reader:
    """Follows a returned value into the methods and submodules that make it (``mode="train"``:
    the forward's returns that run in training mode only)."""

    def __init__(self, mode: str = "") -> None:
        self.mode = mode

    def method(self, owner: nn.Module, prefix: str, name: str, depth: int):
        """What ``owner.<name>()`` returns: a LastStep, a tuple of them, or None."""
        function = inspect.getattr_static(type(owner), name, None)
        if depth > MAX_DEPTH or not inspect.isfunction(function) or function.__module__.startswith("torch."):
            return None
        try:
            tree = parse_function(function)
            path = inspect.getsourcefile(function) or ""
        except (OSError, TypeError, SyntaxError, ValueError):
            return None
        definition = tree.body[0]
        if not isinstance(definition, ast.FunctionDef) or not definition.args.args:
            return None
        scope = _Scope(self, owner, prefix, definition, path, depth)
        returns = [node for node in _own_nodes(definition) if isinstance(node, ast.Return) and node.value is not None]
        if self.mode and depth == 0:
            modes = _return_modes(definition, definition.args.args[0].arg)
            if not any(modes.get(id(node)) for node in returns):
                return _NOT_BY_MODE
            chosen = [node for node in returns if modes.get(id(node)) == self.mode]
            returns = chosen or [node for node in returns if modes.get(id(node)) is None]
        results = [scope.value(node.value, node.lineno) for node in returns]
        if not results or any(result != results[0] for result in results):
            return None  # returns that disagree (logits while training, probabilities otherwise)
        return results[0]

    def submodule(self, owner: nn.Module, prefix: str, attribute: str, depth: int):
        module = owner._modules.get(attribute) if isinstance(owner, nn.Module) else None
        if module is None:
            return None
        return self.module_result(module, f"{prefix}{attribute}", depth)

    def module_result(self, module: nn.Module, name: str, depth: int):
        if isinstance(module, nn.Sequential):
            children = [(key, child) for key, child in module._modules.items() if not isinstance(child, PASSED_ON)]
            return self.module_result(children[-1][1], f"{name}.{children[-1][0]}", depth) if children else None
        if isinstance(module, ACTIVATION_MODULES) or type(module).__module__.startswith("torch.nn."):
            return LastStep(module=name) if not module._modules else None
        return self.method(module, f"{name}.", "forward", depth + 1)


class _Scope:
    """One method's code: its names' assignments, read backwards from a return."""

    def __init__(self, reader: _Reader, owner: nn.Module, prefix: str, definition: ast.FunctionDef,
                 path: str, depth: int) -> None:
        self.reader, self.owner, self.prefix, self.path, self.depth = reader, owner, prefix, path, depth
        self.me = definition.args.args[0].arg
        self.assigned: dict[str, list[tuple[int, ast.expr, int | None]]] = {}  # name -> (line, value, element)
        self.stored: dict[str, list[tuple[int, ast.expr]]] = {}  # ``name[i] = value`` writes
        self.unknown: set[str] = set()  # names bound in ways not read here (a loop target, +=)
        for node in _own_nodes(definition):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._bind(target, node.value, node.lineno)
            elif isinstance(node, (ast.AnnAssign,)) and node.value is not None:
                self._bind(node.target, node.value, node.lineno)
            elif isinstance(node, (ast.AugAssign, ast.For, ast.With, ast.NamedExpr)):
                targets = [item.optional_vars for item in node.items] if isinstance(node, ast.With) else [node.target]
                self.unknown |= {n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)}

    def _bind(self, target: ast.expr, value: ast.expr, line: int) -> None:
        if isinstance(target, ast.Name):
            self.assigned.setdefault(target.id, []).append((line, value, None))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for position, element in enumerate(target.elts):
                if isinstance(element, ast.Name):
                    self.assigned.setdefault(element.id, []).append((line, value, position))
                elif isinstance(element, ast.Starred):
                    return
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            self.stored.setdefault(target.value.id, []).append((line, value))

    def value(self, node: ast.expr, line: int, depth: int = 0):
        """What made ``node``'s value, read from the code before ``line``."""
        if depth > 20:
            return None
        if isinstance(node, ast.Tuple):
            return tuple(self.value(element, line, depth + 1) for element in node.elts)
        if isinstance(node, ast.Name):
            return self._name(node.id, line, depth)
        if isinstance(node, ast.Subscript):
            inner = self.value(node.value, line, depth + 1)
            if isinstance(node.slice, ast.Slice) or isinstance(node.slice, ast.Tuple) and any(
                    isinstance(e, ast.Slice) for e in node.slice.elts):
                return inner if not isinstance(inner, tuple) else None
            index = node.slice.value if isinstance(node.slice, ast.Constant) else None
            if isinstance(inner, tuple) and isinstance(index, int) and -len(inner) <= index < len(inner):
                return inner[index]
            return None
        if isinstance(node, ast.Call):
            return self._call(node, line, depth)
        return None

    def _name(self, name: str, line: int, depth: int):
        if name in self.unknown or name == self.me:
            return None
        earlier = [entry for entry in self.assigned.get(name, []) if entry[0] < line]
        if not earlier:
            return None
        at, value, position = max(earlier, key=lambda entry: entry[0])
        if _makes_buffer(value):  # ``outputs = torch.zeros(...)`` then ``outputs[t] = output``
            writes = [(w, stored) for w, stored in self.stored.get(name, []) if at < w < line]
            return self.value(*max(writes, key=lambda write: write[0])[::-1], depth + 1) if writes else None
        result = self.value(value, at, depth + 1)
        if position is None:
            return result
        return result[position] if isinstance(result, tuple) and position < len(result) else None

    def _call(self, node: ast.Call, line: int, depth: int):
        func = node.func
        if not isinstance(func, ast.Attribute):
            return None
        receiver = dotted_name(func.value) or ""
        if receiver in TORCH_MODULES:
            if func.attr in ACTIVATION_FUNCTIONS:
                return self._function(node, func.attr)
            if func.attr in KEEPS_VALUES and node.args:
                return self.value(node.args[0], line, depth + 1)
            return None
        if isinstance(func.value, ast.Name) and func.value.id == self.me:
            if isinstance(self.owner, nn.Module) and func.attr in self.owner._modules:
                return self.reader.submodule(self.owner, self.prefix, func.attr, self.depth)
            return self.reader.method(self.owner, self.prefix, func.attr, self.depth + 1)
        if func.attr in ACTIVATION_FUNCTIONS:  # ``x.softmax(1)``
            return self._function(node, func.attr)
        if func.attr in KEEPS_VALUES:
            return self.value(func.value, line, depth + 1)
        return None

    def _function(self, node: ast.Call, name: str) -> LastStep:
        return LastStep(function=name, path=display_path(Path(self.path)), line=node.lineno,
                        column=node.col_offset + 1, end_line=node.end_lineno or node.lineno)


def _makes_buffer(value: ast.expr) -> bool:
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in KEEPS_VALUES:
        value = value.func.value
    if not isinstance(value, ast.Call):
        return False
    name = value.func.attr if isinstance(value.func, ast.Attribute) else getattr(value.func, "id", "")
    if name == "Variable" and value.args:
        return _makes_buffer(value.args[0])
    return name in BUFFERS


def _return_modes(definition: ast.FunctionDef, me: str) -> dict[int, str]:
    """For each return under ``if self.training:`` (or its ``else``, or ``if not self.training:``),
    the mode it runs in: "train" or "eval"."""
    def mode_of(test: ast.expr) -> str | None:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = mode_of(test.operand)
            return {"train": "eval", "eval": "train"}.get(inner or "")
        if isinstance(test, ast.Attribute) and test.attr == "training" and isinstance(test.value, ast.Name) \
                and test.value.id == me:
            return "train"
        return None

    modes: dict[int, str] = {}
    for node in _own_nodes(definition):
        if isinstance(node, ast.If) and (mode := mode_of(node.test)) is not None:
            other = "eval" if mode == "train" else "train"
            for branch, branch_mode in ((node.body, mode), (node.orelse, other)):
                for statement in branch:
                    for inner in ast.walk(statement):
                        if isinstance(inner, ast.Return):
                            modes.setdefault(id(inner), branch_mode)
    return modes


def _own_nodes(definition: ast.FunctionDef):
    """The nodes of the function's body, not those of functions or classes defined in it."""
    stack = list(definition.body)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in ast.iter_child_nodes(node)
                     if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)))

