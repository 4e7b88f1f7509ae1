"""Example inputs: given with --input-shape, or inferred from the layer that reads each input."""

from __future__ import annotations

import ast
import functools
import inspect
import linecache
import re
import textwrap
import traceback
from collections.abc import Sequence
from pathlib import Path
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from netlint import paths
from netlint.arguments.guessed import CLASS_WORDS
from netlint.graph import Shape

# Image sides tried in order until the forward runs: the first that fits any size, ImageNet
# (ViT asserts its training resolution), then the sizes of small datasets and GANs (MNIST nets
# and discriminators with a Linear head fit only their own size), then larger and rarer ones
# (Inception's 299, the fine-tuning sizes 384 and 448). A side the failure states comes first.
IMAGE_SIDES = (256, 224, 128, 64, 32, 28, 512, 96, 299, 384, 448)
SMALL_SIDE = 64  # for the CPU fallback, where every value is computed
SEQUENCE_LENGTH = 128

Guess = tuple[Shape, torch.dtype, str]  # shape, dtype, the reason shown to the user


class InputError(Exception):
    pass


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


@dataclass(frozen=True)
class Entry:
    """One tensor of a channel concatenation, as far as the inputs can tell: its channels when
    known (a constructor's ``c_dim``, a mask's 1, a layer's output) and its kind: ``image``,
    ``vector`` (a label or condition tiled over the image) or ``mask``."""

    known: int | None = None
    kind: str = "image"
    why: str = ""  # where the known channels come from: "the constructor's c_dim"


def channel_share(channels: int, entries: Sequence[Entry], index: int) -> int:
    """The channels entry ``index`` gives a concatenation of ``channels``: the known shares
    first; then, when images share the rest with vectors or masks, 3 to each image (RGB);
    else equal shares, a remainder to the first entries (Conv2d(6) after cat((a, b), 1): 3 + 3)."""
    known = {i: e.known for i, e in enumerate(entries) if e.known is not None}
    rest = channels - sum(known.values())
    unknown = [i for i in range(len(entries)) if i not in known]
    if rest < len(unknown) or (not unknown and rest != 0):  # the known shares do not fit: ignore them
        known, unknown, rest = {}, list(range(len(entries))), channels
    if index in known:
        return known[index]
    images = [i for i in unknown if entries[i].kind == "image"]
    others = [i for i in unknown if entries[i].kind != "image"]
    pool = unknown
    if images and others and rest - 3 * len(images) >= len(others):
        if index in images:
            return 3
        pool, rest = others, rest - 3 * len(images)
    position = pool.index(index)
    return rest // len(pool) + (position < rest % len(pool))


def split_channels(guess: Guess | None, cats: Sequence[tuple[int, Sequence[Entry], int]],
                   kind: str = "image") -> Guess | None:
    """The share of a layer's input channels that one input gives it, when it reaches the layer
    through ``torch.cat`` along the channel dimension: ``cats`` holds (dim, entries, index of this
    input's entry) for each cat on the way, the first nearest the input. An input of ``kind``
    vector is (N, C): a label or condition tiled over the image before the cat."""
    if guess is None or len(guess[0]) < 2:
        return guess
    shape, dtype, reason = guess
    channels, parts, why = shape[1], 1, ""
    for dim, entries, index in reversed(cats):
        if dim % len(shape) == 1 and len(entries) > 1:
            channels = channel_share(channels, entries, index)
            parts *= len(entries)
            why = entries[index].why if channels == entries[index].known else ""
    if parts > 1:
        reason = f"{reason} split between {parts} inputs by torch.cat" + (f" ({channels}: {why})" if why else "")
    if kind == "vector" and len(shape) > 2:
        return (shape[0], channels), dtype, f"{reason}, a vector tiled over the image"
    return (shape[0], channels, *shape[2:]), dtype, reason


# Input names that say what an input is, whatever layer reads it
MASK_WORDS = {"mask", "masks", "m", "inst", "instance", "instances", "edge", "edges", "hole", "holes", "valid",
              "occlusion", "trimap", "alpha",
              "sigma", "sigmas", "level", "levels"}  # a noise-level map: one channel, like a mask
LABEL_WORDS = {"label", "labels", "y", "c", "cls", "class", "classes", "cond", "condition", "onehot",
               "attr", "attrs", "domain", "target_label", "class_id", "class_ids"}
IMAGE_WORDS = {"x", "img", "image", "images", "input", "src", "source", "ref", "reference", "target",
               "real", "fake", "photo", "content", "lr", "hr", "a", "b", "blur", "noisy", "masked"}
_ALIASES = {"s": "style", "z": "latent", "noise": "latent", "y": "label", "cls": "class", "cond": "condition"}
_COUNT_WORDS = {"dim", "nc", "channels", "channel", "ch", "chans", "features", "feats", "num", "n", "len", "nf",
                "in", "input"}
_SIDE_WORDS = {"size", "shape", "resolution", "res", "side", "height", "width", "h", "w", "img", "image"}


def _name_words(name: str) -> set[str]:
    parts = [p for p in name.lower().strip("_").split("_") if p]
    return {*parts, name.lower().strip("_")}


def _names_input(parameter: str, name: str) -> bool:
    """Whether a constructor parameter gives the size of input ``name`` (``c_dim`` of ``c``,
    ``label_nc`` of ``label``, ``style_dim`` of ``s``): its words less those of a count."""
    words = _name_words(parameter)
    if words & _SIDE_WORDS:
        return False
    core = {w for w in words if w != parameter.lower()} - _COUNT_WORDS
    own = {name.lower(), name.lower().rstrip("s"), _ALIASES.get(name.lower(), name.lower())}
    return bool(core) and core <= own | {_ALIASES.get(w, w) for w in own}


@dataclass(frozen=True)
class InputHints:
    """What the model's constructor and the inputs' names say about the inputs."""

    values: tuple[tuple[str, int], ...] = ()  # the constructor's integer values: ("c_dim", 5)
    embeds: bool = False  # the model has an Embedding (a class index may be an input)
    ranks: tuple[tuple[str, int], ...] = ()  # inputs whose size the forward unpacks: ("x", 4)
    chunks: tuple[tuple[str, int], ...] = ()  # inputs the forward chunks along dim 1: ("z", 7)

    def size(self, name: str) -> tuple[int, str] | None:
        """The channels or features of input ``name`` the constructor gives, and the parameter."""
        for parameter, value in self.values:
            if _names_input(parameter, name):
                return value, parameter
        if is_label(name):  # a one-hot label: as many as the classes
            for parameter, value in self.values:
                if _name_words(parameter) & CLASS_WORDS:
                    return value, parameter
        return None


def is_mask(name: str, spelled_out: bool = False) -> bool:
    """Whether the name says a mask or map; ``spelled_out``: by a word longer than a letter
    (``f_m`` is a feature map of valid regions as well)."""
    return any(len(word) > 1 or not spelled_out for word in _name_words(name) & MASK_WORDS)


def is_label(name: str) -> bool:
    return bool(_name_words(name) & LABEL_WORDS) and not is_mask(name)


def input_hints(model: nn.Module, call: Any, args: tuple, kwargs: dict[str, Any]) -> InputHints:
    """The integers the model was built with (its constructor's arguments and defaults, when
    ``call`` is its class; its own attributes) and whether it has an Embedding."""
    values: dict[str, int] = {}
    if inspect.isclass(call):
        try:
            bound = inspect.signature(call).bind_partial(*args, **kwargs)
            bound.apply_defaults()
            values.update(bound.arguments)
        except (TypeError, ValueError):
            pass
    values.update(vars(model))
    integers = tuple((k, v) for k, v in values.items()
                     if isinstance(v, int) and not isinstance(v, bool) and v > 0 and not k.startswith("_"))
    embeds = any(isinstance(m, (nn.Embedding, nn.EmbeddingBag)) for m in model.modules())
    return InputHints(integers, embeds, tuple(unpacked_ranks(model).items()), tuple(chunk_counts(model).items()))


def _forward_tree(model: nn.Module) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(type(model).forward)))
    except (OSError, TypeError, SyntaxError, ValueError):
        return None


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
    ``n, c, h, w = x.shape``): name -> the number of names, which is the input's rank."""
    tree = _forward_tree(model)
    if tree is None:
        return {}
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple):
            names = node.targets[0].elts
            name = _size_of(node.value)
            if name is not None and 2 <= len(names) <= 5 and not any(isinstance(e, ast.Starred) for e in names):
                found.setdefault(name, len(names))
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


def with_rank(guess: Guess | None, rank: int) -> Guess | None:
    """A guess of another rank as the forward's unpacking of its size says: features F of a
    Linear the input reaches flattened become (1, C, H, W) with C·H·W = F (1 or 3 channels and
    a square side: MNIST, CIFAR), (1, C, D, H, W) alike, or (1, 1, F) for three names."""
    if guess is None or len(guess[0]) == rank or len(guess[0]) != 2:
        return guess
    (batch, features), dtype, reason = guess
    if rank == 3:
        return (batch, 1, features), dtype, f"{reason}, 3-D as the forward unpacks its size"
    for channels in (1, 3):
        side = round((features / channels) ** (1 / (rank - 2)))
        if rank > 2 and channels * side ** (rank - 2) == features:
            return ((batch, channels, *[side] * (rank - 2)), dtype,
                    f"{reason}, {rank}-D as the forward unpacks its size "
                    f"({'×'.join(map(str, [channels, *[side] * (rank - 2)]))} flattened)")
    return guess


def guess_by_name(name: str, first: Guess | None, hints: InputHints) -> Guess | None:
    """Without a graph, an input after the first: what its name says, beside the first input's
    image (a mask or instance map, a class index, a vector the constructor sizes, another image)."""
    image = first if first is not None and len(first[0]) == 4 else None
    size = hints.size(name)
    if is_mask(name) and image is not None:
        channels = size[0] if size else 1
        return (1, channels, *image[0][2:]), torch.float32, f"{name}: a {channels}-channel map (by its name)"
    # read by an Embedding, or used as an index (``c`` alone may as well be a content image)
    if is_label(name) and (hints.embeds or (size is None and name.lower() != "c")):
        return (1,), torch.long, f"{name}: a class index (by its name)"
    if size is not None:
        return (1, size[0]), torch.float32, f"{name}: a vector of {size[0]} (the constructor's {size[1]})"
    if _name_words(name) & IMAGE_WORDS and first is not None:
        return first[0], first[1], f"{name}: an image like the first input (by its name)"
    return None


def with_channels(guess: Guess | None, name: str, hints: InputHints) -> Guess | None:
    """The first input's guess from the module tree, with the channels the constructor gives it
    (``label_nc=35`` for ``label``: the first layer may read it concatenated with another)."""
    size = hints.size(name)
    if guess is None or size is None or len(guess[0]) != 4 or size[0] >= guess[0][1]:
        return guess
    return (1, size[0], *guess[0][2:]), guess[1], f"{guess[2]}, {size[0]} of them from the constructor's {size[1]}"


_SIZE_ERROR = re.compile(
    r"same reduction dim|shapes cannot be multiplied|size mismatch|Kernel size can't be greater|"
    r"Output size is too small|is invalid for input of size|must match the size of tensor|broadcast|"
    r"Sizes of tensors must match|sizes should be greater than 0|expected input with shape", re.IGNORECASE)


def failed_assertion(exc: BaseException) -> str | None:
    """The source line of the ``assert`` that raised ``exc``, with its place: "assert len(refs) ==
    self.n (models/pose.py:40)"; None for another exception or code not at hand."""
    if not isinstance(exc, AssertionError) or exc.__traceback__ is None:
        return None
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    line = (frame.line or "").strip()
    return f"{line} ({paths.display_path(Path(frame.filename))}:{frame.lineno})" if line.startswith("assert") else None


_SIZE_WORDS = re.compile(r"\.shape|\.size\(|\bsize\b|resolution|height|width|img_size|image_size|\b[HW]\b|%",
                         re.IGNORECASE)


def is_size_error(exc: BaseException) -> bool:
    """Whether a forward failed because of the input's spatial size (a flattened map that does
    not fit a Linear, a kernel larger than the map, a reshape, an assert on the resolution, a
    message that states the size it wants), so that another image side may run. An assertion
    is one when its message states a size or its line reads one (not ``len(frames) == 2``)."""
    if isinstance(exc, AssertionError):
        line = failed_assertion(exc)
        return bool(stated_sides(exc)) or line is None or bool(_SIZE_WORDS.search(line.rpartition(" (")[0]))
    return bool(_SIZE_ERROR.search(str(exc))) or bool(stated_sides(exc))


# A size a message states: "(299, 299)", "299x299", "img_size 224", "input resolution of 384",
# "expected height 64", "image size should be 512"
_SQUARE = re.compile(r"\b(\d{1,4})\s*(?:,|x|×|\*)\s*(\d{1,4})\b")
_NAMED_SIDE = re.compile(r"(?:image|img|input|crop|patch)?[ _]?(?:size|resolution|res|side|height|width|shape)"
                         r"[^0-9\n]{0,24}?\b(\d{1,4})\b(?!\s*(?:channels|dim|in dimension))", re.IGNORECASE)
_MODEL_SIDE = re.compile(r"\bmodel\s*\((\d{1,4})\)")  # timm: "Input height (256) doesn't match model (224)"
_WANTED_SIDES = range(4, 2049)


def stated_sides(exc: BaseException) -> list[int]:
    """The image sides a failure message states (a square pair, or a number after a size
    word), in the order it states them; none in torch's own messages about tensors' sizes."""
    text = re.sub(r"\[[^\]]*\]", "", str(exc))  # a tensor's shape, [1, 4, 256, 256]: no side it wants
    text = re.sub(r"(?:divisible by|multiple of|factor of|batch[ _]?size|kernel[ _]?size|hidden[ _]?size"
                  r"|window[ _]?size|vocab[ _]?size)[^0-9\n]{0,24}\d+", "", text, flags=re.IGNORECASE)  # no side
    if _SIZE_ERROR.search(text):
        return []  # "Sizes of tensors must match … Expected 64 in dimension 2": no side the model wants
    found = [int(a) for a, b in _SQUARE.findall(text) if a == b]
    found += [int(n) for n in _NAMED_SIDE.findall(text)] + [int(n) for n in _MODEL_SIDE.findall(text)]
    return [side for side in dict.fromkeys(found) if side in _WANTED_SIDES]


# Two tensors joined (torch.cat, an addition) at different spatial sizes: "Expected 64 in dimension 2
# but got 256 for tensor number 1", "The size of tensor a (64) must match the size of tensor b (256) at
# non-singleton dimension 3"
_JOINED = (re.compile(r"Expected (?:size )?(\d+)(?: in dimension (\d+))? but got (?:size )?(\d+) for tensor number"),
           re.compile(r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) "
                      r"at non-singleton dimension (\d+)"))


def joined_sizes(exc: BaseException) -> tuple[int, int] | None:
    """The two spatial sizes of tensors a join refused (one of them, (expected, got)), when the
    message names them and the dimension is no channel dimension (counted from either end)."""
    text = str(exc)
    if match := _JOINED[0].search(text):
        expected, dimension, got = match.groups()
        if dimension is None or int(dimension) >= 2:
            return int(expected), int(got)
    if match := _JOINED[1].search(text):
        a, b, dimension = map(int, match.groups())
        if dimension >= 2:
            return a, b
    return None


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


@functools.lru_cache(maxsize=256)  # read again at each side tried: parsed once (the Reader only reads it)
def _function_tree(function: Any) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(function)))
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


def list_elements(model: nn.Module, name: str, side: int) -> Elements:
    """What reads the elements of list input ``name`` the forward indexes (see Elements)."""
    tree = _forward_tree(model)
    if tree is None:
        return Elements()
    rewriter = _Elements(name)
    tree = ast.fix_missing_locations(rewriter.visit(tree))
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


def guess_of_later_input(name: str, reading: Reading, first_name: str, first_reading: Reading,
                         first: Guess | None, side: int, hints: InputHints) -> Guess | None:
    """An input after the first, without a graph: a vector when a Linear reads it alone (a style
    or condition vector, whatever its name says); the first input's shape when the forward
    gives it to the same callee as the first (a style image to the content's encoder); else
    what its name says; else what the layer that reads it takes."""
    read = guess_from_tree(reading.module[1], side, reading.module[0]) if reading.module else None
    if read is not None and reading.direct and len(read[0]) == 2 and read[1].is_floating_point:
        return read[0], read[1], f"{name}: a vector read by {read[2]} {BY_CODE}"
    if first is not None and reading.call and reading.call[0] and reading.call == first_reading.call:
        return first[0], first[1], f"{name}: like {first_name}, given to {reading.call[0]} as it is {BY_CODE}"
    guess = guess_by_name(name, first, hints)
    if guess is None and read is not None and reading.direct:
        return read[0], read[1], f"{name}: read by {read[2]} {BY_CODE}"
    return guess


# The mark of a guess read from the forward's code (the calls it makes), not from a layer of the
# graph: a forward that fails at such inputs leaves the module tree analyzed, not an error.
BY_CODE = "(by the forward's code)"


def by_code(guess: Guess | None) -> Guess | None:
    return guess if guess is None or BY_CODE in guess[2] else (guess[0], guess[1], f"{guess[2]} {BY_CODE}")


def declared_input(model: nn.Module) -> Guess | None:
    """The image size a model says it takes: timm's ``pretrained_cfg["input_size"]``, or an
    ``image_size`` attribute (torchvision's vision transformers)."""
    for attribute in ("pretrained_cfg", "default_cfg"):
        config = getattr(model, attribute, None)
        size = config.get("input_size") if isinstance(config, dict) else None
        if isinstance(size, (tuple, list)) and len(size) == 3 and all(isinstance(d, int) for d in size):
            return (1, *size), torch.float32, f"the model's {attribute} input_size"
    side = getattr(model, "image_size", None)
    first = guess_from_tree(model, side) if isinstance(side, int) else None
    if first is not None and len(first[0]) == 4:
        return (1, first[0][1], side, side), torch.float32, "the model's image_size"
    return None


def required_inputs(model: nn.Module) -> list[str]:
    """Names of the forward's parameters that have no default."""
    try:
        parameters = inspect.signature(model.forward).parameters.values()
    except (TypeError, ValueError):
        return ["input"]
    return [p.name for p in parameters
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def example_inputs(names: Sequence[str], guesses: Sequence[Guess | None], given: Sequence[Shape],
                   device: str = "meta") -> tuple[list[torch.Tensor], str]:
    """Tensors for the forward's inputs, and how their shapes were decided."""
    if given:
        if len(given) != len(names):
            raise InputError(f"the model's forward takes {len(names)} input(s) ({', '.join(names)}) "
                             f"but {len(given)} --input-shape were given")
        dtypes = [guess[1] if guess else torch.float32 for guess in guesses]
        return ([torch.zeros(s, dtype=d, device=device) for s, d in zip(given, dtypes)],
                "given with --input-shape")
    missing = [name for name, guess in zip(names, guesses) if guess is None]
    if missing:
        raise InputError(f"cannot infer the shape of input {missing[0]!r}: no convolution, linear or "
                         "embedding layer reads it directly; give it with --input-shape")
    return ([torch.zeros(shape, dtype=dtype, device=device) for shape, dtype, _ in guesses],
            "inferred from " + "; ".join(dict.fromkeys(reason for _, _, reason in guesses)))


_SEQUENCE_CALLS = {"zip", "enumerate", "reversed", "len", "list", "tuple"}
_LENGTH_WORDS = {"scales", "scale", "levels", "level", "frames", "frame", "views", "stages", "pyramid"}


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
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _SEQUENCE_CALLS:
            for argument in node.args:
                note(argument, iterated=node.func.id != "len")
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], (ast.Tuple, ast.List)):
            note(node.value, len(node.targets[0].elts), iterated=True)
        elif isinstance(node, ast.Subscript):
            index = node.slice
            if isinstance(index, ast.Constant) and type(index.value) is int:
                note(node.value, index.value + 1 if index.value >= 0 else -index.value)
            elif isinstance(index, (ast.Name, ast.BinOp)) or (
                    isinstance(index, ast.UnaryOp) and isinstance(index.operand, ast.Constant)):
                note(node.value)
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


def sequence_lengths(hints: InputHints, least: int, exact: int | None = None) -> tuple[int, ...]:
    """Lengths to try for a list input: the one the forward checks (``len(refs) == self.n``)
    alone; else the constructor's count of scales, levels or frames (``n_scales=3``), then 3
    and 2, at least ``least``."""
    if exact is not None:
        return (exact,)
    counted = [value for parameter, value in hints.values
               if _name_words(parameter) & _LENGTH_WORDS and 1 < value <= 8]
    return tuple(n for n in dict.fromkeys([*counted, 3, 2, least]) if n >= least)


def needed_optional_inputs(model: nn.Module, exc: BaseException,
                           names: Sequence[str]) -> list[tuple[str, Shape | None]]:
    """The forward's optional inputs (``f_m=None``) it used without checking, when it failed on
    a None (``None + Tensor``, ``None.size()``, a None in ``torch.cat``): those named on the line of
    the forward that failed, each with the shape of a tensor the same expression reads beside it
    (the layer or op that reads it), when there is one."""
    if not isinstance(exc, (TypeError, AttributeError)) or "None" not in str(exc):
        return []
    try:
        parameters = inspect.signature(model.forward).parameters.values()
        code = type(model).forward.__code__
    except (TypeError, ValueError, AttributeError):
        return []
    optional = [p.name for p in parameters if p.default is None and p.name not in names
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    frame, line = None, None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code is code:
            frame, line = tb.tb_frame, tb.tb_lineno
        tb = tb.tb_next
    if frame is None or not optional:
        return []
    text = linecache.getline(code.co_filename, line).strip()
    try:
        statement = ast.parse(text).body[0]
        expression = statement.value if isinstance(statement, (ast.Assign, ast.AugAssign, ast.Expr, ast.Return)) \
            else statement
        read = [n.id for n in ast.walk(expression) if isinstance(n, ast.Name)]
    except (SyntaxError, IndexError, AttributeError):
        read = re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text)
    used = [name for name in optional if name in read and frame.f_locals.get(name, 0) is None]
    beside = next((tuple(value.shape) for name in read if name not in optional
                   and isinstance(value := frame.f_locals.get(name), torch.Tensor) and value.dim() >= 2), None)
    return [(name, beside) for name in used]
