"""Example inputs: given with --input-shape, or inferred from the layer that reads each input."""

from __future__ import annotations

import ast
import inspect
import linecache
import math
import re
import traceback
from collections.abc import Sequence
from pathlib import Path
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from netlint import paths
from netlint.arguments.guessed import CLASS_WORDS
from netlint.capture.input_names import IMAGE_WORDS, is_label, is_mask, name_words
from netlint.capture.readers import (Guess, Reading, chunk_counts, flag_inputs, gram_inputs, guess_from_tree,
                                     indexed_channels, rnn_states, split_totals, step_tokens, transposed_inputs,
                                     unpacked_ranks, vector_channels, viewed_ranks)
from netlint.graph import Shape

# Image sides tried in order until the forward runs: the first that fits any size, ImageNet
# (ViT asserts its training resolution), then the sizes of small datasets and GANs (MNIST nets
# and discriminators with a Linear head fit only their own size), then larger and rarer ones
# (Inception's 299, the fine-tuning sizes 384 and 448). A side the failure states comes first.
IMAGE_SIDES = (256, 224, 128, 64, 32, 28, 512, 96, 299, 384, 448)
SMALL_SIDE = 64  # for the CPU fallback, where every value is computed



class InputError(Exception):
    pass


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


_ALIASES = {"s": "style", "z": "latent", "noise": "latent", "y": "label", "cls": "class", "cond": "condition"}
_COUNT_WORDS = {"dim", "nc", "channels", "channel", "ch", "chans", "features", "feats", "num", "n", "len", "nf",
                "in", "input"}
_CHANNEL_WORDS = {"channels", "channel", "nc", "ch", "chans"}
_SIDE_WORDS = {"size", "shape", "resolution", "res", "side", "height", "width", "h", "w", "img", "image"}


def _names_input(parameter: str, name: str) -> bool:
    """Whether a constructor parameter gives the size of input ``name`` (``c_dim`` of ``c``,
    ``label_nc`` of ``label``, ``style_dim`` of ``s``): its words less those of a count."""
    words = name_words(parameter)
    if words & _SIDE_WORDS:
        return False
    core = {w for w in words if w != parameter.lower()} - _COUNT_WORDS
    own = {name.lower(), name.lower().rstrip("s"), _ALIASES.get(name.lower(), name.lower())}
    if words & _CHANNEL_WORDS:  # ``edge_in_channels`` of ``input_edge``: a word of the name, and channels
        own |= name_words(name)
    return bool(core) and core <= own | {_ALIASES.get(w, w) for w in own}


@dataclass(frozen=True)
class InputHints:
    """What the model's constructor and the inputs' names say about the inputs."""

    values: tuple[tuple[str, int], ...] = ()  # the constructor's integer values: ("c_dim", 5)
    embeds: bool = False  # the model has an Embedding (a class index may be an input)
    ranks: tuple[tuple[str, int], ...] = ()  # inputs whose size the forward unpacks: ("x", 4)
    chunks: tuple[tuple[str, int], ...] = ()  # inputs the forward chunks along dim 1: ("z", 7)
    orders: tuple[tuple[str, tuple], ...] = ()  # inputs whose axes the forward reorders first: ("xs", ("swap", 1, 2))
    indexed: tuple[tuple[str, int], ...] = ()  # inputs whose channels the forward picks by index: ("x", 3)
    vectors: tuple[tuple[str, int, str], ...] = ()  # vectors viewed as maps of 1×1: ("z", 100, why)
    flags: tuple[str, ...] = ()  # inputs the forward uses only as conditions: Python flags
    grams: tuple[str, ...] = ()  # feature maps the forward computes the Gram matrix of: ("inputs",)
    splits: tuple[tuple[str, int], ...] = ()  # inputs split along the channels into stated sizes: ("x", 4)
    states: tuple[tuple[str, int, int, str], ...] = ()  # an RNN's hidden state: ("hidden", layers, size, module)

    def state(self, name: str) -> Guess | None:
        """Input ``name`` as the hidden state of the GRU or RNN the forward gives it to."""
        for state, stacked, size, module in self.states:
            if state == name:
                return ((stacked, 1, size), torch.float32,
                        f"{name}: the hidden state of {module} (layers×directions {stacked}, batch 1, {size})")
        return None

    def size(self, name: str) -> tuple[int, str] | None:
        """The channels or features of input ``name`` the constructor gives, and the parameter."""
        for parameter, value in self.values:
            if _names_input(parameter, name):
                return value, parameter
        if is_label(name):  # a one-hot label: as many as the classes
            for parameter, value in self.values:
                if name_words(parameter) & CLASS_WORDS:
                    return value, parameter
        return None


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
    grams, states = gram_inputs(model), rnn_states(model)
    # (an unpacking of its size says it best)
    ranks = (dict.fromkeys(step_tokens(model), 1) | dict.fromkeys(states, 3) | dict.fromkeys(grams, 4)
             | viewed_ranks(model) | unpacked_ranks(model))
    return InputHints(integers, embeds, tuple(ranks.items()), tuple(chunk_counts(model).items()),
                      tuple(transposed_inputs(model).items()), tuple(indexed_channels(model).items()),
                      tuple((name, *read) for name, rank in ranks.items()
                            if rank == 2 and (read := vector_channels(model, name)) is not None),
                      tuple(sorted(flag_inputs(model))), tuple(sorted(grams)), tuple(split_totals(model).items()),
                      tuple((name, *state) for name, state in states.items()))


def with_indexed_channels(guess: Guess | None, least: int) -> Guess | None:
    """An image input whose channels the forward picks by index beyond what its first layer reads
    (``x[:, 2]`` of three frames stacked on the channels, while a Conv2d(2) reads two of them)."""
    if guess is None or len(guess[0]) < 3 or "a clip" in guess[2] or guess[0][1] >= least \
            or not guess[1].is_floating_point:
        return guess
    shape, dtype, reason = guess
    return ((shape[0], least, *shape[2:]), dtype,
            f"{reason}, {least} channels as the forward picks channel {least - 1} of it")


def with_split_channels(guess: Guess | None, total: int) -> Guess | None:
    """An image input the forward splits along the channels into stated sizes (``torch.split(x,
    [3, 1], dim=1)``): their sum, whatever the layer that reads one part takes."""
    if guess is None or len(guess[0]) < 3 or "a clip" in guess[2] or guess[0][1] == total \
            or not guess[1].is_floating_point:
        return guess
    shape, dtype, reason = guess
    return (shape[0], total, *shape[2:]), dtype, f"{reason}, {total} channels as the forward splits them"


def reordered(guess: Guess | None, order: tuple) -> Guess | None:
    """The input whose axes the forward reorders (``order``: a permutation, or ("swap", a, b)) into
    what the layer reading it takes (``guess``): a clip B×T×C×H×W transposed into B×C×T×H×W for
    a Conv3d, a sequence B×L×C permuted into B×C×L for a Conv1d."""
    if guess is None:
        return None
    shape, dtype, reason = guess
    rank = len(shape)
    if order[0] == "swap":
        a, b = (axis % rank if -rank <= axis < rank else None for axis in order[1:])
        if a is None or b is None:
            return guess
        permutation = list(range(rank))
        permutation[a], permutation[b] = b, a
    elif len(order) == rank:
        permutation = list(order)
    else:
        return guess
    if 0 in permutation[1:] and permutation[0] != 0:
        return guess  # the batch axis moved: not an order of the kind read here
    unordered = [0] * rank
    for axis, size in zip(permutation, shape):
        unordered[axis] = size
    what = ("a clip B×T×C×H×W" if rank == 5 and unordered[2] == shape[1] and unordered[1] == shape[2]
            else f"{'×'.join(map(str, unordered))}")
    return (tuple(unordered), dtype,
            f"{reason}, {what} as the forward reorders its axes ({_order_text(order)}) for that layer")


def _order_text(order: tuple) -> str:
    return f"transpose({order[1]}, {order[2]})" if order[0] == "swap" else f"permute{order}"


FRAMES = 5  # a clip's frames when the constructor does not say
_FRAME_WORDS = {"frames", "frame", "nframes", "nframe", "clip", "clips", "t", "sequence"}
_AROUND_WORDS = {"past", "prev", "previous", "future", "next"}  # the frames around the one a window restores


def frame_count(hints: InputHints) -> tuple[int, str]:
    """The frames of a clip: the constructor's (``n_frames=7``, ``num_frames``, ``n_sequence``),
    else FRAMES; at least one more than the frames around the one a sliding window restores
    (``past_frames + future_frames + 1``: a forward that loops over ``range(past, T - future)``)."""
    frames = [(parameter, value) for parameter, value in hints.values
              if name_words(parameter) & _FRAME_WORDS and 1 <= value <= 32]
    around = [(parameter, value) for parameter, value in frames if name_words(parameter) & _AROUND_WORDS]
    least = sum(value for _, value in around) + 1
    count = next(((value, f"the constructor's {parameter}") for parameter, value in frames
                  if (parameter, value) not in around and value > 1), None)
    if count is not None and count[0] >= least:
        return count
    if around:
        return max(least, FRAMES), f"{' + '.join(p for p, _ in around)} + 1 at least"
    return FRAMES, "netlint's choice"


def with_rank(guess: Guess | None, rank: int, hints: InputHints | None = None, name: str = "",
              side: int = IMAGE_SIDES[0]) -> Guess | None:
    """A guess of another rank as the forward's unpacking of its size says: features F of a
    Linear the input reaches flattened become (1, C, H, W) with C·H·W = F (1 or 3 channels and
    a square side: MNIST, CIFAR), (1, C, D, H, W) alike, or (1, 1, F) for three names; an image
    a 2-D layer reads, unpacked into five names (``b, t, c, h, w = x.size()``), is a clip B×T×C×H×W
    (the forward folds its frames into the batch); an RNN's hidden state (``hints.states``) is
    layers×directions × 1 × its size; an image a forward views as a map of 1×1 is a
    vector of the features ``hints.vectors`` gives ``name``, else of its channels; feature maps
    whose Gram matrix a Linear reads (``hints.grams``) have √F channels, at ``side``."""
    state = (hints or InputHints()).state(name) if rank == 3 else None
    if state is not None:
        return state
    if guess is not None and len(guess[0]) == 4 and rank == 5:
        frames, why = frame_count(hints or InputHints())
        (batch, *image), dtype, reason = guess
        return ((batch, frames, *image), dtype,
                f"{reason}, a clip B×T×C×H×W as the forward unpacks its size (T {frames}: {why})")
    if guess is not None and len(guess[0]) >= 3 and rank == 2 and guess[1].is_floating_point:
        (batch, channels, *_), dtype, reason = guess
        read = dict((n, (c, why)) for n, c, why in (hints or InputHints()).vectors).get(name)
        if read is not None and read[0] != channels:
            channels, reason = read[0], f"{read[1]}"
        return (batch, channels), dtype, f"{reason}, a vector B×C as the forward views it as a map of 1×1"
    if guess is None or len(guess[0]) == rank or len(guess[0]) != 2:
        return guess
    (batch, features), dtype, reason = guess
    if rank == 1 and not dtype.is_floating_point:
        return (batch,), dtype, f"{reason}, one token a sample as the forward embeds a single step"
    channels = math.isqrt(features)
    if rank == 4 and name in (hints or InputHints()).grams and channels ** 2 == features:
        return ((batch, channels, side, side), dtype,
                f"{reason}, feature maps of {channels} channels whose Gram matrix ({channels}×{channels}) "
                "the forward flattens")
    if rank == 3:
        return (batch, 1, features), dtype, f"{reason}, 3-D as the forward unpacks its size"
    for channels in (1, 3):
        side = round((features / channels) ** (1 / (rank - 2)))
        if rank > 2 and channels * side ** (rank - 2) == features:
            return ((batch, channels, *[side] * (rank - 2)), dtype,
                    f"{reason}, {rank}-D as the forward unpacks its size "
                    f"({'×'.join(map(str, [channels, *[side] * (rank - 2)]))} flattened)")
    return guess


def with_frames(guess: Guess | None, first: Guess | None) -> Guess | None:
    """An image input beside a clip (a mask of each frame): a clip of its frames too, when it has
    the clip's sides."""
    if guess is None or first is None or len(guess[0]) != 4 or len(first[0]) != 5 or "a clip" not in first[2]:
        return guess
    shape, dtype, reason = guess
    if shape[2:] != first[0][3:]:
        return guess
    return (shape[0], first[0][1], *shape[1:]), dtype, f"{reason}, a clip of {first[0][1]} frames like the first"


def guess_by_name(name: str, first: Guess | None, hints: InputHints) -> Guess | None:
    """Without a graph, an input after the first: what its name says, beside the first input's
    image (a mask or instance map, a class index, a vector the constructor sizes, another image)."""
    image = first if first is not None and len(first[0]) == 4 else None
    if first is not None and len(first[0]) == 5 and "a clip" in first[2]:  # a frame of it (see with_frames)
        image = (first[0][0], *first[0][2:]), first[1], first[2]
    size = hints.size(name)
    if is_mask(name) and image is not None:
        channels = size[0] if size else 1
        why = f"; {channels} from the constructor's {size[1]}" if size else ""
        return (1, channels, *image[0][2:]), torch.float32, f"{name}: a {channels}-channel map (by its name{why})"
    # read by an Embedding, or used as an index (``c`` alone may as well be a content image)
    if is_label(name) and (hints.embeds or (size is None and name.lower() != "c")):
        return (1,), torch.long, f"{name}: a class index (by its name)"
    if size is not None:
        return (1, size[0]), torch.float32, f"{name}: a vector of {size[0]} (the constructor's {size[1]})"
    if name_words(name) & IMAGE_WORDS and first is not None:
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


def needs_values(exc: BaseException) -> bool:
    """Whether the forward failed on meta only because it reads a tensor's value (``.item()``,
    ``if`` on a tensor), which a CPU run has."""
    return "meta tensors" in str(exc) or "on a meta tensor" in str(exc) or "data-dependent" in str(exc)


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


# The crops of segmentation and detection code (PSPNet's 473 and 713: sides of the form 8k+1)
USUAL_CROPS = (257, 225, 513, 473, 713, 321, 129, 65)
_MODULO = re.compile(r"(-\s*1\s*\)?\s*)?%\s*(\d{1,3})\b")


def asserted_sides(exc: BaseException) -> list[int]:
    """Sides to try for an assertion on the input's sides with a modulo (``assert (h - 1) % 8 == 0``):
    multiples of m, plus one when the code subtracts one, near the usual sides; then the usual crops."""
    line = failed_assertion(exc)
    found = _MODULO.findall(line.rpartition(" (")[0]) if line else []
    if not found:
        return []
    sides = []
    for minus_one, modulus in found:
        m = int(modulus)
        if m < 2:
            continue
        sides += [s // m * m + (1 if minus_one else 0) for s in (256, 224, 512, 128, 64)]
    return [s for s in dict.fromkeys([*sides, *USUAL_CROPS]) if s in _WANTED_SIDES]


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


def guess_of_later_input(name: str, reading: Reading, first_name: str, first_reading: Reading,
                         first: Guess | None, side: int, hints: InputHints, tiled: bool = False) -> Guess | None:
    """An input after the first, without a graph: a vector when a Linear reads it alone (a style
    or condition vector, whatever its name says); the first input's shape when the forward
    gives it to the same callee as the first (a style image to the content's encoder), or its code
    gives it to the module that reads the first (through a helper method of the forward's), or
    concatenates it, as it is (not ``tiled``: reshaped or one-hot encoded), into the convolution
    the first reaches (a pix2pix discriminator's "label", the image paired with the input); else
    what its name says; else what the layer that reads it takes. A flag (``hints.flags``) is a
    boolean of no axes, False."""
    if hints.state(name) is not None:
        return hints.state(name)
    if name in hints.flags:
        return (), torch.bool, f"{name}: a flag (False: the forward uses it only as a condition)"
    read = guess_from_tree(reading.module[1], side, reading.module[0]) if reading.module else None
    if read is not None and reading.direct and len(read[0]) == 2 and read[1].is_floating_point:
        return read[0], read[1], f"{name}: a vector read by {read[2]} {BY_CODE}"
    if (first is not None and reading.call and reading.call[0] and reading.call == first_reading.call
            and not is_mask(name, spelled_out=True)):  # (a mask multiplied with the image on the way: one channel)
        return first[0], first[1], f"{name}: like {first_name}, given to {reading.call[0]} as it is {BY_CODE}"
    if (first is not None and reading.module is not None and reading.direct and first_reading.direct
            and reading.module == first_reading.module and not is_mask(name, spelled_out=True)):
        # (a style image the content's encoder reads too, through a helper of the forward's)
        return first[0], first[1], f"{name}: like {first_name}, read by {reading.module[0]} as it is {BY_CODE}"
    if (first is not None and read is not None and not reading.direct and not tiled and not is_mask(name)
            and len(read[0]) == len(first[0]) >= 4 and reading.module == first_reading.module):
        return (first[0], first[1], f"{name}: an image like {first_name}, concatenated with it into "
                                    f"{reading.module[0]} {BY_CODE}")
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
    # (a flag stays on the CPU: the forward's ``if`` reads its value, which a meta tensor lacks)
    return ([torch.zeros(shape, dtype=dtype, device="cpu" if dtype == torch.bool and not shape else device)
             for shape, dtype, _ in guesses],
            "inferred from " + "; ".join(dict.fromkeys(reason for _, _, reason in guesses)))


_SCALE_WORDS = {"scale", "upscale", "upscaling", "upsample", "sr"}


def upscale_factor(hints: InputHints) -> tuple[int, str] | None:
    """The factor a super-resolution model's constructor gives (``up_scale=2``, ``scale``,
    ``upscale_factor``), and the parameter."""
    for parameter, value in hints.values:
        words = name_words(parameter)
        if words & _SCALE_WORDS and not words & {"num", "n", "scales", "levels"} and 2 <= value <= 8:
            return value, parameter
    return None


_LENGTH_WORDS = {"scales", "scale", "levels", "level", "frames", "frame", "views", "stages", "pyramid", "inputs"}


def sequence_lengths(hints: InputHints, least: int, exact: int | None = None) -> tuple[int, ...]:
    """Lengths to try for a list input: the one the forward checks (``len(refs) == self.n``)
    alone; else the constructor's count of scales, levels or frames (``n_scales=3``), then 3
    and 2, at least ``least``."""
    if exact is not None:
        return (exact,)
    counted = [value for parameter, value in hints.values
               if name_words(parameter) & _LENGTH_WORDS and 1 < value <= 8]
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
