"""What reads each input of a model's forward: the layer that takes it (a convolution's weight, a
Linear's features, an Embedding) and the forward's code around it (the names it passes it through,
indexing, ``len()``, unpacking of its size, ``torch.cat``/``chunk``, helper methods and submodules)."""

from __future__ import annotations

import ast
import copy
import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from netlint.capture.input_names import is_mask
from netlint.graph import Shape
from netlint.source import parse_function

SEQUENCE_LENGTH = 128

Guess = tuple[Shape, torch.dtype, str]  # shape, dtype, the reason shown to the user


def spatial(dims: int, side: int) -> tuple[int, ...]:
    return {1: (side * 4,), 2: (side, side), 3: (16, side // 2, side // 2)}[dims]


def conv_reads(module: nn.modules.conv._ConvNd) -> int:
    """The channels a convolution reads, as its weight says: code that adapts a network to
    grayscale replaces the first weight (summed over the RGB channels) and leaves in_channels."""
    weight = getattr(module, "weight", None)
    if isinstance(weight, torch.Tensor) and weight.dim() == len(module.kernel_size) + 2:
        return weight.shape[0] if module.transposed else weight.shape[1] * module.groups
    return module.in_channels


def guess_from_module(module: nn.Module, name: str, side: int) -> Guess | None:
    """The input a module expects, when it is the first layer to read a model input."""
    where = f"{name} {type(module).__name__}"
    if isinstance(module, nn.modules.conv._ConvNd):
        channels = conv_reads(module)
        return (1, channels, *spatial(len(module.kernel_size), side)), torch.float32, f"{where}({channels}→…)"
    if isinstance(module, nn.Linear):
        return (1, module.in_features), torch.float32, f"{where}({module.in_features}→…)"
    if isinstance(module, (nn.Embedding, nn.EmbeddingBag)):
        return (1, SEQUENCE_LENGTH), torch.long, f"{where} (index tensor)"
    if isinstance(module, nn.modules.batchnorm._NormBase):  # BatchNorm1d reads (N, C) too: see capture.fx
        name = type(module).__name__
        sides = () if name == "BatchNorm1d" else spatial({"1d": 1, "3d": 3}.get(name[-2:], 2), side)
        return (1, module.num_features, *sides), torch.float32, f"{where}({module.num_features})"
    if isinstance(module, nn.GroupNorm):
        return (1, module.num_channels, side, side), torch.float32, f"{where}({module.num_channels})"
    if isinstance(module, nn.LayerNorm):
        return (1, SEQUENCE_LENGTH, *module.normalized_shape), torch.float32, where
    return None


def guess_from_weight(weight: Shape, op: str, groups: int, name: str, side: int) -> Guess | None:
    """The same for a functional ``F.conv2d`` / ``F.linear`` given a parameter."""
    if op == "linear":
        return (1, weight[1]), torch.float32, f"{name}({weight[1]}→…)"
    if op == "conv":
        channels = weight[1] * groups
        return (1, channels, *spatial(len(weight) - 2, side)), torch.float32, f"{name}({channels}→…)"
    return None


def _forward_tree(model: nn.Module) -> ast.AST | None:
    return _function_tree(type(model).forward)


def _size_of(node: ast.AST) -> str | None:
    """The name whose size ``node`` reads: ``x.size()``, ``x.shape``, ``x.data.size()``."""
    if isinstance(node, ast.Call) and not node.args and not node.keywords:
        node = node.func
        if not (isinstance(node, ast.Attribute) and node.attr == "size"):
            return None
    elif not (isinstance(node, ast.Attribute) and node.attr == "shape"):
        return None
    value = node.value
    while isinstance(value, ast.Attribute) and value.attr in ("data", "detach"):
        value = value.value
    return value.id if isinstance(value, ast.Name) else None


def unpacked_ranks(model: nn.Module) -> dict[str, int]:
    """The forward's parameters whose size it unpacks into names (``b, c, h, w = x.size()``,
    ``n, c, h, w = x.shape``, also of a name it first gives it, ``b1 = x``): name -> the number of
    names, which is the input's rank."""
    tree = _forward_tree(model)
    if tree is None:
        return {}
    found: dict[str, int] = {}
    aliases = {node.targets[0].id: node.value.id for node in ast.walk(tree)  # ``b1 = x``: x under another name
               if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
               and isinstance(node.value, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple):
            names = node.targets[0].elts
            name = _size_of(node.value)
            if name is not None and 2 <= len(names) <= 5 and not any(isinstance(e, ast.Starred) for e in names):
                found.setdefault(aliases.get(name, name), len(names))
    return found


_TILES = {"view", "reshape", "unsqueeze", "expand", "repeat", "one_hot", "expand_as", "tile"}


def tiled_inputs(model: nn.Module) -> set[str]:
    """The forward's parameters it reshapes or one-hot encodes before use (``c.view(N, C, 1, 1)``,
    ``label.unsqueeze(2)``, ``F.one_hot(y)``, ``y[:, :, None, None]``): vectors or indices made maps."""
    tree = _forward_tree(model)
    found: set[str] = set()
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in _TILES:
            method = isinstance(node.func, ast.Attribute) and node.func.attr != "one_hot"
            target = node.func.value if method else (node.args[0] if node.args else None)
            batch_axis = node.func.attr == "unsqueeze" and [ast.unparse(a) for a in node.args] == ["0"] if method \
                else False  # (an unbatched input given its batch axis)
            if isinstance(target, ast.Name) and not batch_axis:
                found.add(target.id)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and any(
                isinstance(n, ast.Constant) and n.value is None for n in ast.walk(node.slice)):
            found.add(node.value.id)
    return found


def chunk_counts(model: nn.Module) -> dict[str, int]:
    """The forward's parameters it chunks along dim 1 into a count the code or the model gives
    (``torch.chunk(z, self.num_split, 1)``, ``z.chunk(4, dim=1)``): name -> the count."""
    tree = _forward_tree(model)
    if tree is None:
        return {}
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "chunk"):
            continue
        method = not (isinstance(node.func.value, ast.Name) and node.func.value.id in ("torch", "th"))
        arguments = [node.func.value, *node.args] if method else list(node.args)
        keywords = {k.arg: k.value for k in node.keywords}
        tensor = arguments[0] if arguments else keywords.get("input")
        count = arguments[1] if len(arguments) > 1 else keywords.get("chunks")
        dim = arguments[2] if len(arguments) > 2 else keywords.get("dim", ast.Constant(0))
        n = _integer(model, count) if count is not None else None
        if isinstance(tensor, ast.Name) and n and n > 1 and _integer(model, dim) in (1, -1):
            found.setdefault(tensor.id, n)
    return found


def guess_from_tree(model: nn.Module, side: int, prefix: str = "") -> Guess | None:
    """Without a graph: the first layer, in registration order, that says what it reads."""
    for name, module in model.named_modules(prefix=prefix):
        if not list(module.children()):
            guess = guess_from_module(module, name, side)
            if guess is not None:
                return guess
    return None


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _module_called(model: nn.Module, func: ast.AST) -> tuple[str, nn.Module] | None:
    """The submodule a call in the forward calls: ``self.style(…)``, ``self.from_rgb[i](…)``,
    ``self.body.head(…)`` (a module list's first entry stands for the one indexed)."""
    path = []
    while isinstance(func, (ast.Attribute, ast.Subscript)):
        if isinstance(func, ast.Attribute):
            path.append(func.attr)
        elif path:
            path = []  # ``self.blocks[i].conv``: the entry's part is not one name
        func = func.value
    if not (isinstance(func, ast.Name) and func.id == "self" and path):
        return None
    module: object = model
    for attr in reversed(path):
        module = getattr(module, attr, None)
    if isinstance(module, (nn.ModuleList, nn.ModuleDict)) and len(module):
        first = next(iter(module.named_children()))
        return ".".join(reversed(path)) + f".{first[0]}", first[1]
    return (".".join(reversed(path)), module) if isinstance(module, nn.Module) else None


_PLAIN_CALLS = {"len", "zip", "enumerate", "list", "tuple", "range", "reversed", "isinstance", "type", "int", "float",
                "getattr", "hasattr", "max", "min", "sum", "map", "sorted", "print", "dict", "set", "super"}
_JOINS = {"cat", "concat", "concatenate", "stack"}
MAX_DEPTH = 4  # helper methods and submodules' forwards followed from the forward


@dataclass(frozen=True)
class Reading:
    """How the forward reads one input: the first call of its own code that takes it (the callee
    as written, the argument's position or keyword), and the submodule that first reads it,
    followed through helper methods and submodules' forwards (None: unknown); ``direct`` when no
    concatenation lies on the way (the module then reads the input alone)."""

    call: tuple[str, int | str] | None = None  # (a call of self's, position): only when given the input alone
    module: tuple[str, nn.Module] | None = None
    direct: bool = True


def _function_tree(function: Any) -> ast.AST | None:
    try:
        return parse_function(function)
    except (OSError, TypeError, SyntaxError, ValueError):
        return None


def _argument_at(node: ast.Call, derived: set[str]) -> int | str | None:
    """The position (or keyword) of the first argument of ``node`` made from ``derived``."""
    for position, argument in enumerate(node.args):
        if _names_in(argument) & derived:
            return position
    return next((k.arg for k in node.keywords if k.arg and _names_in(k.value) & derived), None)


def _parameter(function: Any, at: int | str, bound: bool = True) -> str | None:
    """The name of the parameter an argument at ``at`` binds (``bound``: self is not passed)."""
    try:
        parameters = [p for p in inspect.signature(function).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return None
    parameters = parameters[1:] if not bound and parameters else parameters
    if isinstance(at, str):
        return at if any(p.name == at for p in parameters) else None
    return parameters[at].name if at < len(parameters) else None


def _joins(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and (getattr(n.func, "attr", None) or getattr(n.func, "id", None)) in _JOINS
               for n in ast.walk(node))


def _loop_modules(owner: nn.Module, loop: ast.For, prefix: str) -> dict[str, tuple[str, nn.Module]]:
    """The names a loop over module lists binds (``for block in self.blocks``, ``for a, b in
    zip(self.pools, self.convs)``, ``enumerate(self.heads)``), each to its list's first entry."""
    iterables, targets = [loop.iter], [loop.target]
    if isinstance(loop.iter, ast.Call) and getattr(loop.iter.func, "id", None) in ("zip", "enumerate"):
        iterables = list(loop.iter.args)
        targets = list(loop.target.elts) if isinstance(loop.target, ast.Tuple) else []
        if loop.iter.func.id == "enumerate":
            targets = targets[1:]
    found = {}
    for iterable, target in zip(iterables, targets):
        called = _module_called(owner, iterable) if isinstance(iterable, ast.Attribute) else None
        if isinstance(target, ast.Name) and called is not None and called[0].endswith(".0"):
            found[target.id] = prefix + called[0], called[1]
    return found


def _reading(owner: nn.Module, function: Any, name: str, prefix: str, depth: int,
             tree: ast.AST | None = None) -> tuple[Reading, bool]:
    """The reading of parameter ``name`` of ``function`` (a method of ``owner``; ``tree``: its
    code, when rewritten), and whether anything read it (False: the function never passes it to
    a call)."""
    tree = tree or _function_tree(function)
    if tree is None:
        return Reading(), True
    derived = {name: True}  # name -> whether no concatenation made it
    local: dict[str, tuple[str, nn.Module]] = {}  # loop names over module lists: their first entry

    def made_from(node: ast.AST) -> set[str]:
        return _names_in(node) & derived.keys()

    class Reader(ast.NodeVisitor):
        call: tuple[str, int | str] | None = None
        found: tuple[tuple[str, nn.Module], bool] | None = None  # (module, direct)
        unknown = False

        def done(self) -> bool:
            return self.found is not None or self.unknown

        def visit_Call(self, node: ast.Call) -> None:
            self.generic_visit(node)  # the arguments' calls run first
            at = None if self.done() else _argument_at(node, derived.keys())
            if at is None:
                return
            argument = node.args[at] if isinstance(at, int) else next(k.value for k in node.keywords if k.arg == at)
            direct = all(derived[n] for n in made_from(argument)) and not _joins(argument)
            root = node.func
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            plain = isinstance(node.func, ast.Name) and node.func.id in _PLAIN_CALLS
            if isinstance(root, ast.Name) and root.id == "self":
                if self.call is None:  # (given with something else: no callee to compare)
                    self.call = (ast.unparse(node.func) if direct else "", at)
                self.read_by_self(node, at, direct)
            elif isinstance(node.func, ast.Name) and node.func.id in local:
                self.read_module(*local[node.func.id], at, direct)
            elif isinstance(node.func, ast.Name) and not plain:
                self.unknown = True  # a module held in a local name (``head(x)``): unknown

        def read_by_self(self, node: ast.Call, at: int | str, direct: bool) -> None:
            called = _module_called(owner, node.func)
            method = getattr(type(owner), node.func.attr, None) if isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) else None
            if called is None and inspect.isfunction(method) and depth < MAX_DEPTH:
                parameter = _parameter(method, at, bound=False)
                inner, read = _reading(owner, method, parameter, prefix, depth + 1) if parameter else (Reading(), True)
                if inner.module is not None:
                    self.found = inner.module, direct and inner.direct
                elif read:
                    self.unknown = True
                return
            if called is None:
                self.unknown = True  # a module of no name (``getattr(self, f"dec{i}")``): unknown
                return
            self.read_module(prefix + called[0], called[1], at, direct)

        def read_module(self, path: str, module: nn.Module, at: int | str, direct: bool) -> None:
            if guess_from_tree(module, SEQUENCE_LENGTH) is None:
                return  # a padding, an activation or a pooling says nothing: what it gives is read next
            if not list(module.children()):
                self.found = (path, module), direct
                return
            own = type(module).forward
            if depth < MAX_DEPTH and not type(module).__module__.startswith("torch.") and inspect.isfunction(own):
                parameter = _parameter(own, at, bound=False)
                inner, _ = _reading(module, own, parameter, path + ".", depth + 1) if parameter else (Reading(), True)
                if inner.module is not None:
                    self.found = inner.module, direct and inner.direct
                    return
            if at == 0:
                self.found = (path, module), direct
            else:
                self.unknown = True

        def visit_Assign(self, node: ast.Assign) -> None:
            self.visit(node.value)
            if made_from(node.value):
                fresh = all(derived[n] for n in made_from(node.value)) and not _joins(node.value)
                for target in node.targets:
                    derived.update(dict.fromkeys(_names_in(target), fresh))

        def derive(self, source: ast.AST, target: ast.AST) -> None:
            if made_from(source):
                fresh = all(derived[n] for n in made_from(source))
                derived.update(dict.fromkeys(_names_in(target), fresh))

        def visit_ListComp(self, node) -> None:  # the loops first, then what they make
            for generator in node.generators:
                self.visit(generator.iter)
                self.derive(generator.iter, generator.target)
                for condition in generator.ifs:
                    self.visit(condition)
            for part in ("elt", "key", "value"):
                if hasattr(node, part):
                    self.visit(getattr(node, part))

        visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp

        def visit_For(self, node: ast.For) -> None:
            self.visit(node.iter)
            self.derive(node.iter, node.target)
            local.update(_loop_modules(owner, node, prefix))
            for statement in [*node.body, *node.orelse]:
                self.visit(statement)

    reader = Reader()
    reader.visit(tree)
    if reader.found is not None:
        return Reading(reader.call, *reader.found), True
    return Reading(reader.call), reader.unknown


def input_reading(model: nn.Module, name: str) -> Reading:
    """How the forward reads input ``name`` (see Reading), in the order of its code: a
    generator's mapping network before the synthesis network registered ahead of it, a style
    vector through a helper method into an MLP."""
    return _reading(model, type(model).forward, name, "", 0)[0]


class _Elements(ast.NodeTransformer):
    """The forward's code with each element of list input ``name`` it indexes (``xs[-1]``,
    ``xs[i]``) made a name of its own (``xs__at_m1``, ``xs__at_i``)."""

    def __init__(self, name: str):
        self.name, self.indexes = name, set()

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        if not (isinstance(node.value, ast.Name) and node.value.id == self.name):
            return node
        index = node.slice
        negative = isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub)
        if negative and isinstance(index.operand, ast.Constant):
            key: int | str = -index.operand.value
        elif isinstance(index, ast.Constant) and type(index.value) is int:
            key = index.value
        elif isinstance(index, ast.Name):
            key = index.id
        else:
            return node
        if isinstance(key, int) and not isinstance(key, bool) or isinstance(key, str):
            self.indexes.add(key)
            return ast.copy_location(ast.Name(id=element_name(self.name, key), ctx=ast.Load()), node)
        return node


def element_name(name: str, key: int | str) -> str:
    return f"{name}__at_{'m' + str(-key) if isinstance(key, int) and key < 0 else key}"


@dataclass(frozen=True)
class Elements:
    """The channels of a list input's elements, as the layers that read them say: by constant
    index (``xs[-1]``, ``xs[0]``), and one a module list's entries read in a loop (``self.lateral[i](xs[i])``,
    from the first element)."""

    fixed: tuple[tuple[int, int], ...] = ()  # (index, channels)
    looped: tuple[int, ...] = ()  # the channels of the loop's elements, from the first
    names: tuple[str, ...] = ()  # the names the forward unpacks the list into (``img, mask = inp``)

    def lengths(self) -> tuple[int, ...]:
        """The list lengths these elements fit: a loop's entries, with one more for an element
        read from the end (a top feature map read by another branch), at least the indexes' reach."""
        reach = max([k + 1 if k >= 0 else -k for k, _ in self.fixed], default=0)
        ends = any(k < 0 for k, _ in self.fixed)
        loop = len(self.looped)
        return tuple(n for n in dict.fromkeys([loop + 1, loop] if ends and loop else [loop]) if n and n >= reach)

    def channels(self, length: int, default: int) -> list[int]:
        found = [*self.looped[:length], *[default] * (length - len(self.looped))]
        for index, channels in self.fixed:
            if -length <= index < length:
                found[index] = channels
        return found


def dict_keys(model: nn.Module, name: str) -> tuple[str, ...]:
    """The string keys the forward reads input ``name`` by (``maps['relu3_1']``): a dict of tensors;
    in its own code or in the forward of a submodule or method it passes the input to."""
    return tuple(dict.fromkeys(_keys_read(model, type(model).forward, name, 0)))


def _keys_read(owner: nn.Module, function: Any, name: str, depth: int) -> list[str]:
    tree = _function_tree(function)
    keys: list[str] = []
    for node in ast.walk(tree) if tree is not None else ():
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
            keys.append(node.slice.value)
        elif isinstance(node, ast.Call) and depth < MAX_DEPTH and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "self":
            at = next((i for i, a in enumerate(node.args) if isinstance(a, ast.Name) and a.id == name), None)
            called = getattr(owner, node.func.attr, None)
            callee, inner_owner = ((type(called).forward, called) if isinstance(called, nn.Module)
                                   else (getattr(type(owner), node.func.attr, None), owner))
            parameter = _parameter(callee, at, bound=False) if at is not None and inspect.isfunction(callee) \
                else None
            if parameter:
                keys += _keys_read(inner_owner, callee, parameter, depth + 1)
    return keys


def unpacked_names(model: nn.Module, name: str) -> tuple[str, ...]:
    """The names the forward unpacks input ``name`` into (``img, mask = inp``), when it does."""
    tree = _forward_tree(model)
    for node in ast.walk(tree) if tree is not None else ():
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == name
                and isinstance(node.targets[0], (ast.Tuple, ast.List))
                and all(isinstance(e, ast.Name) for e in node.targets[0].elts)):
            return tuple(e.id for e in node.targets[0].elts)
    return ()


def _unpacked_elements(model: nn.Module, names: Sequence[str], side: int) -> Elements:
    """The channels of a tuple input's elements, unpacked into ``names``: a mask's 1 by its name
    (a partial convolution's update mask), else those of the layer that reads the name alone."""
    fixed = []
    for index, element in enumerate(names):
        if is_mask(element, spelled_out=True):
            fixed.append((index, 1))
            continue
        reading, _ = _reading(model, type(model).forward, element, "", 0)
        guess = guess_from_tree(reading.module[1], side, reading.module[0]) if reading.module else None
        if reading.direct and guess is not None and len(guess[0]) >= 3:
            fixed.append((index, guess[0][1]))
    return Elements(tuple(fixed), names=tuple(names))


def list_elements(model: nn.Module, name: str, side: int) -> Elements:
    """What reads the elements of list input ``name`` the forward indexes (see Elements), or
    unpacks into names."""
    tree = _forward_tree(model)
    if tree is None:
        return Elements()
    unpacked = unpacked_names(model, name)
    if unpacked:
        return _unpacked_elements(model, unpacked, side)
    rewriter = _Elements(name)
    tree = ast.fix_missing_locations(rewriter.visit(copy.deepcopy(tree)))  # (the shared tree stays as parsed)
    fixed, looped = [], ()
    for key in sorted(rewriter.indexes, key=str):
        reading, _ = _reading(model, type(model).forward, element_name(name, key), "", 0, tree)
        if reading.module is None or not reading.direct:
            continue
        path, module = reading.module
        parent = model.get_submodule(path.rpartition(".")[0]) if "." in path and path.endswith(".0") else None
        entries = ([e[0][1] if e is not None and len(e[0]) >= 3 else None
                    for e in (guess_from_tree(entry, side) for entry in parent)]
                   if isinstance(parent, (nn.ModuleList, nn.Sequential)) else [])
        if isinstance(key, str):  # a loop's index: the module list it picks from, when it does
            if entries and None not in entries:
                looped = tuple(entries)
            continue
        if len(set(entries)) > 1:
            continue  # an entry of a module list picked by a name: which one is not known
        guess = guess_from_tree(module, side, path)
        if guess is not None and len(guess[0]) >= 3:
            fixed.append((key, guess[0][1]))
    return Elements(tuple(fixed), looped)


_SEQUENCE_CALLS = {"zip", "enumerate", "reversed", "len", "list", "tuple"}


def sequence_inputs(model: nn.Module, names: Sequence[str]) -> dict[str, tuple[int, bool, int | None]]:
    """The forward's inputs its code uses as a list or tuple of tensors (a pyramid of scales,
    frames): name -> (the length the code needs at least, whether it iterates it, the length it
    checks with ``len(xs) == n`` or None). Iterated
    (``for x in xs``, ``zip``, ``enumerate``) or unpacked, which code does not do to a batch,
    or indexed by an integer or a name (``xs[2]``, ``xs[-1]``, ``xs[s]``, as ``x[0]`` may pick
    a sample) or measured (``len``), which it does to a batch too."""
    tree = _forward_tree(model)
    if tree is None:
        return {}
    wanted, found = set(names), {}

    def note(node: ast.AST, length: int = 1, iterated: bool = False, exact: int | None = None) -> None:
        if isinstance(node, ast.Name) and node.id in wanted:
            least, before, known = found.get(node.id, (1, False, None))
            found[node.id] = max(least, length), before or iterated, known or exact

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq):
            for measured, other in ((node.left, node.comparators[0]), (node.comparators[0], node.left)):
                if isinstance(measured, ast.Call) and getattr(measured.func, "id", None) == "len" and measured.args:
                    length = _integer(model, other)
                    if length is not None and 0 < length <= 16:
                        note(measured.args[0], length, exact=length)
        if isinstance(node, (ast.For, ast.comprehension)):
            note(node.iter, iterated=True)
        elif _joined(node) is not None:  # ``torch.stack(frames, dim=2)``: joins a list's tensors
            note(node.args[0], iterated=True)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _SEQUENCE_CALLS:
            for argument in node.args:
                note(argument, iterated=node.func.id != "len")
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], (ast.Tuple, ast.List)):
            names_ = node.targets[0].elts  # ``img, mask = inp``: exactly as many, unless one is starred
            starred = any(isinstance(e, ast.Starred) for e in names_)
            note(node.value, len(names_), iterated=True, exact=None if starred else len(names_))
        elif isinstance(node, ast.Subscript):
            index = node.slice
            if isinstance(index, ast.Constant) and type(index.value) is int:
                note(node.value, index.value + 1 if index.value >= 0 else -index.value)
            elif isinstance(index, (ast.Name, ast.BinOp)) or (
                    isinstance(index, ast.UnaryOp) and isinstance(index.operand, ast.Constant)):
                note(node.value)
    return found


def _joined(node: ast.AST) -> ast.Call | None:
    """``node`` when it is a join (``torch.cat``/``torch.stack``) of a name: a list of tensors."""
    if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in _JOINS and node.args \
            and isinstance(node.args[0], ast.Name):
        return node
    return None


def stacked_axes(model: nn.Module, names: Sequence[str]) -> dict[str, int]:
    """The inputs the forward stacks (``torch.stack(frames, dim=2)``): name -> the new axis,
    which each element lacks (a clip for a Conv3d is frames B×C×H×W stacked on axis 2)."""
    tree = _forward_tree(model)
    found: dict[str, int] = {}
    for node in ast.walk(tree) if tree is not None else ():
        call = _joined(node)
        if call is None or call.func.attr != "stack" or call.args[0].id not in names:
            continue
        dim = next((k.value for k in call.keywords if k.arg == "dim"), call.args[1] if len(call.args) > 1 else None)
        axis = _integer(model, dim) if dim is not None else 0
        if axis is not None:
            found[call.args[0].id] = axis
    return found


def _integer(model: nn.Module, node: ast.AST) -> int | None:
    """The integer ``node`` is: a constant or an attribute of the model (``self.nb_ref_imgs``)."""
    if isinstance(node, ast.Constant):
        value = node.value
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        value = getattr(model, node.attr, None)
    else:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_MEASURES = {"size", "shape", "dim", "ndim", "ndimension", "numel", "dtype", "device"}


def transposed_inputs(model: nn.Module) -> dict[str, tuple[int, ...] | tuple[str, int, int]]:
    """The forward's parameters whose axes it reorders before anything else reads them
    (``torch.transpose(xs, 1, 2)``, ``x.permute(0, 2, 1, 3, 4)``: a clip B×T×C×H×W made B×C×T×H×W
    for a Conv3d, a sequence B×L×C made B×C×L for a Conv1d): name -> the permutation, or
    ("swap", a, b) for a transpose (its rank is the layer's that reads the result)."""
    tree = _forward_tree(model)
    if tree is None or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return {}
    function = tree.body[0]
    parameters = [a.arg for a in function.args.args[1:]]
    parents = {child: node for node in ast.walk(function) for child in ast.iter_child_nodes(node)}
    uses: dict[str, list[ast.Name]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id in parameters:
            uses.setdefault(node.id, []).append(node)
    found: dict[str, tuple] = {}
    for name, names in uses.items():
        for use in sorted(names, key=lambda n: (n.lineno, n.col_offset)):
            parent = parents.get(use)
            if isinstance(parent, ast.Attribute) and parent.attr in _MEASURES:
                continue  # ``xs.shape``: a read of its size, not of its values
            if isinstance(parent, ast.Call) and getattr(parent.func, "id", None) == "len":
                continue
            order = _reordering(model, use, parent, parents.get(parent))
            if order is not None and isinstance(use.ctx, ast.Load):
                found[name] = order
            break
    return found


def _reordering(model: nn.Module, use: ast.Name, parent: ast.AST | None, above: ast.AST | None) -> tuple | None:
    """The axes order ``use`` is given by the call around it (see transposed_inputs), or None:
    ``use.transpose(1, 2)`` (``parent`` the attribute, ``above`` the call) or ``torch.transpose(use, 1, 2)``."""
    if isinstance(parent, ast.Attribute) and isinstance(above, ast.Call) and above.func is parent:
        kind, axes = parent.attr, above.args
    elif (isinstance(parent, ast.Call) and parent.args and parent.args[0] is use
          and isinstance(parent.func, ast.Attribute)
          and isinstance(parent.func.value, ast.Name) and parent.func.value.id in ("torch", "th")):
        kind, axes = parent.func.attr, parent.args[1:]
    else:
        return None
    if kind not in ("transpose", "swapaxes", "permute"):
        return None
    if len(axes) == 1 and isinstance(axes[0], (ast.Tuple, ast.List)):
        axes = axes[0].elts
    numbers = [_integer(model, a) for a in axes]
    if None in numbers:
        return None
    if kind == "permute":
        return tuple(numbers) if sorted(numbers) == list(range(len(numbers))) and numbers != sorted(numbers) else None
    return ("swap", *numbers) if len(numbers) == 2 and numbers[0] != numbers[1] else None


def indexed_channels(model: nn.Module) -> dict[str, int]:
    """The forward's parameters whose channels it picks by constant index (``x[:, 2, :, :]``,
    ``x[:, 0:3]``: frames or colour planes stacked on the channels): name -> the channels that
    takes at least."""
    tree = _forward_tree(model)
    found: dict[str, int] = {}
    for node in ast.walk(tree) if tree is not None else ():
        if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                and isinstance(node.slice, ast.Tuple) and len(node.slice.elts) >= 2):
            continue
        batch, channel = node.slice.elts[:2]
        if not (isinstance(batch, ast.Slice) and batch.lower is None and batch.upper is None):
            continue
        if isinstance(channel, ast.Slice):
            least = _integer(model, channel.upper) if channel.upper is not None else None
        else:
            index = _integer(model, channel)
            least = index + 1 if index is not None and index >= 0 else None
        if least is not None and 0 < least <= 64:
            found[node.value.id] = max(found.get(node.value.id, 0), least)
    return found


_VIEWS = {"view", "reshape"}


def viewed_ranks(model: nn.Module) -> dict[str, int]:
    """The rank of the forward's parameters that it first reshapes (``view``, ``reshape``) to a rank
    of its own: a vector made a map of 1×1 (``z.view(z.size(0), z.size(1), 1, 1)``,
    ``z.view(-1, nz, 1, 1)``: a generator's noise or code) is 2; an image flattened from the sizes
    it reads (``x.view(x.size(0), x.size(1) * x.size(2) * x.size(3))``: an MLP critic) has as
    many axes as the last size read; a clip indexed on every axis (``x[:, i, :, :, :]``) has five."""
    tree = _forward_tree(model)
    if tree is None or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return {}
    function = tree.body[0]
    parameters = [a.arg for a in function.args.args[1:]]
    parents = {child: node for node in ast.walk(function) for child in ast.iter_child_nodes(node)}
    uses = sorted((n for n in ast.walk(function) if isinstance(n, ast.Name) and n.id in parameters
                   and isinstance(n.ctx, ast.Load)), key=lambda n: (n.lineno, n.col_offset))
    found: dict[str, int] = {}
    for name in parameters:
        use = next((u for u in uses if u.id == name and not _measured(u, parents)), None)
        sizes = _view_sizes(use, parents) if use is not None else None
        if sizes is None:
            continue
        if len(sizes) >= 3 and all(isinstance(s, ast.Constant) and s.value == 1 for s in sizes[2:]):
            found[name] = 2
            continue
        read = [_size_read(node, name) for size in sizes for node in ast.walk(size)]
        last = max((axis for axis in read if axis is not None), default=None)
        if len(sizes) == 2 and last is not None and last in (2, 3):
            found[name] = last + 1
    for node in ast.walk(function):  # ``x[:, i, :, :, :]``: a frame of a clip, indexed on every axis
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in parameters
                and isinstance(node.slice, ast.Tuple) and len(node.slice.elts) == 5
                and _whole(node.slice.elts[0]) and all(_whole(e) for e in node.slice.elts[2:])):
            found.setdefault(node.value.id, len(node.slice.elts))
    return found


def _whole(node: ast.AST) -> bool:
    return isinstance(node, ast.Slice) and node.lower is None and node.upper is None and node.step is None


def _measured(use: ast.Name, parents: dict) -> bool:
    parent = parents.get(use)
    return (isinstance(parent, ast.Attribute) and parent.attr in _MEASURES) or (
        isinstance(parent, ast.Call) and getattr(parent.func, "id", None) == "len")


def _view_sizes(use: ast.Name, parents: dict) -> list[ast.AST] | None:
    """The sizes ``use.view(...)`` / ``use.reshape(...)`` / ``torch.reshape(use, ...)`` gives, or None."""
    parent, above = parents.get(use), parents.get(parents.get(use))
    if isinstance(parent, ast.Attribute) and parent.attr in _VIEWS and isinstance(above, ast.Call) \
            and above.func is parent:
        sizes = list(above.args)
    elif (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.func.attr == "reshape"
          and isinstance(parent.func.value, ast.Name) and parent.func.value.id in ("torch", "th")
          and len(parent.args) == 2 and parent.args[0] is use):
        sizes = [parent.args[1]]
    else:
        return None
    if len(sizes) == 1 and isinstance(sizes[0], (ast.Tuple, ast.List)):
        sizes = list(sizes[0].elts)
    return sizes if sizes and not any(isinstance(s, ast.Starred) for s in sizes) else None


def _size_read(node: ast.AST, name: str) -> int | None:
    """The axis of ``name`` whose size ``node`` reads (``name.size(2)``, ``name.shape[3]``), or None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "size" \
            and len(node.args) == 1 and isinstance(node.args[0], ast.Constant):
        target, axis = node.func.value, node.args[0].value
    elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape" \
            and isinstance(node.slice, ast.Constant):
        target, axis = node.value.value, node.slice.value
    else:
        return None
    return axis if isinstance(target, ast.Name) and target.id == name and isinstance(axis, int) else None


def vector_channels(model: nn.Module, name: str) -> tuple[int, str] | None:
    """The features of input ``name``, a vector the forward views as a map of 1×1 (see
    ``viewed_ranks``): the view's own count (``z.view(-1, self.nz, 1, 1)``), else the channels of
    the layer its code gives the map to (a wrapped layer whose weight the graph does not show)."""
    tree = _forward_tree(model)
    parents = {child: n for n in ast.walk(tree) for child in ast.iter_child_nodes(n)} if tree is not None else {}
    views = [sizes for node in parents if isinstance(node, ast.Name) and node.id == name
             and (sizes := _view_sizes(node, parents)) is not None and len(sizes) >= 3]
    count = _integer(model, views[0][1]) if views else None
    if count is not None:
        return count, f"the view's {ast.unparse(views[0][1])} ({count})"
    reading = input_reading(model, name)
    guess = guess_from_tree(reading.module[1], 1, reading.module[0]) if reading.module and reading.direct else None
    if guess is not None and len(guess[0]) >= 2 and guess[1].is_floating_point:
        return guess[0][1], f"{guess[2]}, the layer the forward gives it to"
    return None


def flag_inputs(model: nn.Module) -> set[str]:
    """The forward's parameters it uses only as conditions (``if is_real == True:``, ``if not
    return_feat``, ``a if training else b``): Python flags, not tensors."""
    tree = _forward_tree(model)
    if tree is None or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return set()
    function = tree.body[0]
    parameters = {a.arg for a in function.args.args[1:]}
    parents = {child: node for node in ast.walk(function) for child in ast.iter_child_nodes(node)}
    uses: dict[str, list[bool]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id in parameters:
            uses.setdefault(node.id, []).append(isinstance(node.ctx, ast.Load) and _a_condition(node, parents))
    return {name for name, conditions in uses.items() if conditions and all(conditions)}


def _a_condition(node: ast.AST, parents: dict) -> bool:
    """Whether ``node`` is the test of an ``if``/``while``/conditional expression, alone, negated,
    joined by ``and``/``or`` or compared with a boolean constant."""
    parent = parents.get(node)
    while isinstance(parent, (ast.BoolOp, ast.UnaryOp)) or (
            isinstance(parent, ast.Compare) and all(isinstance(c, ast.Constant) and isinstance(c.value, bool)
                                                    for c in [parent.left, *parent.comparators] if c is not node)):
        if isinstance(parent, ast.UnaryOp) and not isinstance(parent.op, ast.Not):
            return False
        node, parent = parent, parents.get(parent)
    return isinstance(parent, (ast.If, ast.IfExp, ast.While, ast.Assert)) and parent.test is node


def gram_inputs(model: nn.Module) -> set[str]:
    """The forward's parameters it gives to a Gram matrix (``gram_matrix(inputs)``, ``self.gram(x)``):
    feature maps B×C×H×W, whatever the Linear that reads the C×C matrix flattened takes."""
    tree = _forward_tree(model)
    if tree is None or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return set()
    parameters = {a.arg for a in tree.body[0].args.args[1:]}
    return {node.args[0].id for node in ast.walk(tree)
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name)
            and node.args[0].id in parameters
            and "gram" in str(getattr(node.func, "id", getattr(node.func, "attr", ""))).lower()}


def split_totals(model: nn.Module) -> dict[str, int]:
    """The forward's parameters it splits along the channels into sizes it states
    (``torch.split(x, [3, 1], dim=1)``, ``x.split([self.rgb, 1], 1)``: an RGB-D input): name -> their sum."""
    tree = _forward_tree(model)
    if tree is None or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return {}
    parameters = {a.arg for a in tree.body[0].args.args[1:]}
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split"):
            continue
        method = not (isinstance(node.func.value, ast.Name) and node.func.value.id in ("torch", "th"))
        arguments = [node.func.value, *node.args] if method else list(node.args)
        keywords = {k.arg: k.value for k in node.keywords}
        tensor = arguments[0] if arguments else keywords.get("tensor")
        sizes = arguments[1] if len(arguments) > 1 else keywords.get("split_size_or_sections")
        dim = arguments[2] if len(arguments) > 2 else keywords.get("dim", ast.Constant(0))
        if not (isinstance(tensor, ast.Name) and tensor.id in parameters and isinstance(sizes, (ast.List, ast.Tuple))
                and _integer(model, dim) == 1):
            continue
        counts = [_integer(model, size) for size in sizes.elts]
        if counts and None not in counts and all(0 < n <= 64 for n in counts):
            found.setdefault(tensor.id, sum(counts))
    return found


def rnn_states(model: nn.Module) -> dict[str, tuple[int, int, str]]:
    """The forward's parameters it gives a GRU or RNN as its hidden state (``self.gru(x, hidden)``,
    ``hx=h``: a decoder step's last state): name -> (layers × directions, hidden size, the module)."""
    tree = _forward_tree(model)
    if tree is None or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return {}
    parameters = {a.arg for a in tree.body[0].args.args[1:]}
    found: dict[str, tuple[int, int, str]] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"):
            continue
        module = getattr(model, node.func.attr, None)
        if not isinstance(module, (nn.GRU, nn.RNN)):
            continue
        state = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "hx"), None)
        if isinstance(state, ast.Name) and state.id in parameters:
            stacked = module.num_layers * (2 if module.bidirectional else 1)
            found.setdefault(state.id, (stacked, module.proj_size or module.hidden_size, node.func.attr))
    return found


def step_tokens(model: nn.Module) -> set[str]:
    """The forward's parameters an Embedding reads as one token a sample, its output given a time axis
    (``self.embedding(input).view(1, 1, -1)``, ``self.embed(input).unsqueeze(0)``: a decoder's step)."""
    tree = _forward_tree(model)
    if tree is None or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return set()
    parameters = {a.arg for a in tree.body[0].args.args[1:]}
    found: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("view", "unsqueeze") and isinstance(node.func.value, ast.Call)):
            continue
        embedded = node.func.value
        layer = embedded.func
        if not (isinstance(layer, ast.Attribute) and isinstance(layer.value, ast.Name) and layer.value.id == "self"
                and isinstance(getattr(model, layer.attr, None), nn.Embedding) and len(embedded.args) == 1
                and isinstance(embedded.args[0], ast.Name) and embedded.args[0].id in parameters):
            continue
        sizes = [_integer(model, a) for a in node.args]
        if (node.func.attr == "unsqueeze" and sizes == [0]) or (node.func.attr == "view" and sizes[:2] == [1, 1]):
            found.add(embedded.args[0].id)
    return found
