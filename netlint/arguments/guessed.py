"""Constructor arguments guessed from the conventional meaning of their names, for a model
whose project shows no call of it. A guess is reported as one; a guess that does not build
is a skip, never an error."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field, replace
from typing import Any

from netlint.arguments.script_options import snake

# Each convention: the words of a parameter name ("n_classes" → n, classes) that give it
# its meaning, and the value of a common configuration (RGB images, widths of 64, a few
# blocks). A word that names what is measured decides before a word of measure: a
# "kernel_size" is a kernel (3) and a "vocab_size" a vocabulary, never an image's side; the
# measure alone ("size", "shape", "dim") decides only when no other word does. Among the
# conventions a name's words match, the first wins.
CLASS_WORDS = {"classes", "class", "nclass", "nclasses", "cls", "labels", "num_labels"}
_CHANNEL_WORDS = {"channels", "channel", "chans", "ch", "nc", "planes", "colors", "nch", "nchan", "nchans"}
MEASURE_WORDS = {"size", "shape", "dim", "sz"}
IO_CHANNELS = "<in or out channels>"  # the word ``_words`` adds to an abbreviated channel count (below)
CONVENTIONS: tuple[tuple[str, set[str], Any], ...] = (
    ("a class count", CLASS_WORDS, 10),
    ("a kernel size", {"kernel", "ksize", "k_size", "kernel_size", "filter_size"}, 3),
    ("a stride", {"stride", "strides"}, 1),
    ("a padding", {"padding", "pad"}, 1),
    ("a dilation", {"dilation"}, 1),
    ("a patch size", {"patch"}, 4),
    ("a window size", {"window", "win"}, 8),
    ("a pooling size", {"pool", "pooling"}, 2),
    ("a batch size", {"batch"}, 1),
    ("a channel count", {IO_CHANNELS}, 3),  # nch_in, cnum_out, cin, in_c: before a width (cnum alone is one)
    ("a residual scale", {"res_scale", "residual_scale"}, 1.0),
    ("an image size", {"img", "image", "imsize", "isize", "imgsize", "resolution", "height", "side", "size",
                       "shape"}, 64),
    ("a latent size", {"latent", "nz", "z", "noise"}, 100),
    ("a scale factor", {"scale", "upscale", "upscale_factor", "scale_factor", "upscaling", "upsample_factor",
                        "upsampling_factor", "up_factor", "sr_factor", "sr_scale", "zoom", "zoom_factor",
                        "magnification", "upscale_ratio", "upsample_ratio"}, 2),
    ("a number of heads", {"heads", "head", "nhead", "nheads"}, 4),
    ("a number of downsamplings", {"downs", "down", "downsampling", "downsample", "downsamples", "ups",
                                   "upsampling", "upsamples", "levels"}, 4),
    ("a depth", {"blocks", "layers", "nlayers", "nb", "depth", "resblocks", "stages", "repeat"}, 2),
    ("a vocabulary size", {"vocab", "ntoken", "ntokens", "tokens", "embeddings"}, 1000),
    ("a width", {"nf", "ngf", "ndf", "ninp", "nhid", "feats", "features", "dim", "width", "hidden", "filters", "gc",
                 "embed", "d_model", "mid", "base", "inner", "feat", "cnum", "nfeat", "nfeats",
                 "nker"}, 64),
    ("a channel count", _CHANNEL_WORDS, 3),
    ("a group count", {"groups"}, 1),
    ("a cardinality", {"cardinality"}, 32),
    ("a growth rate", {"growth"}, 32),
    ("an expansion ratio", {"ratio", "expansion", "expand"}, 4),
    ("a reduction ratio", {"reduction", "reduce"}, 16),
    ("a dropout rate", {"dropout", "drop"}, 0.0),
    ("a bias flag", {"bias"}, True),
    ("a training flag", {"is_train", "is_training", "training", "train_mode", "istrain"}, False),
    ("a normalization epsilon", {"eps", "epsilon"}, 1e-5),
    ("a momentum", {"momentum"}, 0.1),
    ("a negative slope", {"slope", "lrelu", "leaky", "leakiness"}, 0.2),
    ("a mixing weight", {"alpha", "beta"}, 1.0),
)


def _words(name: str) -> set[str]:
    parts = snake(name).strip("_").split("_")
    words = {*parts, name.lower().strip("_")}
    return words | {IO_CHANNELS} if _io_channels(parts) else words


# Channel counts are abbreviated as a family: a stem that says channels (ch, chan, nc, cnum, c)
# with a mark of input or output, apart (nch_in, cnum_out, in_c, c_out) or fused (cin, chout,
# inch, outc). The stem alone is a width (cnum) or too short to mean anything (c).
_CHANNEL_STEMS = {"c", "ch", "chs", "chan", "chans", "channel", "channels", "nc", "nch", "nchan", "nchans",
                  "cnum", "numch", "nchannels", "planes"}
_IO_MARKS = {"in", "out", "input", "output", "inp"}


def _io_channels(parts: list[str]) -> bool:
    if {"kernel", "stride", "padding", "pad", "dilation", "ksize", "k"} & set(parts):
        return False
    if _IO_MARKS & set(parts) and _CHANNEL_STEMS & set(parts):
        return True
    return any(part.startswith(mark) and part[len(mark):] in _CHANNEL_STEMS
               or part.endswith(mark) and part[:-len(mark)] in _CHANNEL_STEMS
               for part in parts for mark in ("in", "out"))


# Parameters that take a layer class (``norm_layer(64)``, ``act()``): torch's class that
# torchvision itself uses by default. A name that says it is a type's name (``norm_type``,
# ``norm_name``, ``norm_mode``) or a parameter annotated or defaulted as a string or a flag
# is a string ('instance') or a flag (``bn: bool``), never a class.
LAYER_CONVENTIONS: tuple[tuple[str, set[str], str], ...] = (
    ("a normalization layer", {"norm_layer", "norm", "normalization", "norm_fn", "bn", "norm_cls",
                               "normlayer", "batchnorm", "bn_layer"}, "BatchNorm2d"),
    ("an activation layer", {"act_layer", "activation", "act", "nonlinearity", "act_fn", "activ",
                             "act_cls", "nonlinear", "nl_layer", "nonlin", "nonlin_layer", "activation_layer",
                             "activ_layer", "relu_layer"}, "ReLU"),
)
_NAME_WORDS = {"type", "name", "mode", "kind", "str"}


def guess(factory: Any, required: list[str]) -> tuple[dict[str, Any], str | None]:
    """Values for the ``required`` parameters, and the first one no convention covers."""
    values: dict[str, Any] = {}
    parameters = _parameters(factory)
    for name in required:
        value = _layer_class(name, parameters.get(name))
        if value is None:
            value = _conventional(name)
        if value is None:
            return values, name
        values[name] = value
    return {**values, **_image_shapes(values)}, None


def meaning(name: str) -> tuple[str, Any] | None:
    """(what the parameter is, its conventional value), by the words of its name; a name
    that says it counts something no convention knows (``n_split``, ``num_stages``) a count."""
    words = _words(name)
    for candidates in (words - MEASURE_WORDS, words):
        for what, names, value in CONVENTIONS:
            if candidates & names:
                return what, value
    if len(words) > 2 and words & _COUNT_WORDS and not words & _IO_WORDS:
        return "a count", 2
    return None


_COUNT_WORDS = {"n", "num", "nb", "number"}
_IO_WORDS = {"in", "out", "input", "output", "inputs", "outputs", "inp", "outp"}  # num_in: a channel count
COUNTS = {"a depth", "a number of downsamplings", "a count"}
COUNT_TRIES = (2, 3, 4, 5, 6, 8)  # a count that does not build is tried at these, in order
MAX_GUESSES = 8


@dataclass(frozen=True)
class Guess:
    values: dict[str, Any]
    source: str  # GUESSED, or what the code said: "the keys of cfg (vgg.py:11) for vgg_name (the first), ..."
    texts: dict[str, str] = field(default_factory=dict)  # how the call shows a value, when not by its repr


GUESSED = "guessed from parameter names"


def guesses(factory: Any, required: list[str], namespace: dict[str, Any]) -> tuple[list[Guess], str | None]:
    """The calls to try for the ``required`` parameters, best first: what the code says about
    a parameter (``code_hints``), else its meaning; a count, or a key of a table, that does not
    build is tried at its other values; a value the constructor's code rejects
    (``constraints``: ``assert (depth - 4) % 6 == 0``) is not tried. And the first parameter
    nothing covers."""
    from netlint.arguments.code_hints import hints
    from netlint.arguments.constraints import admits
    from netlint.arguments.made_configs import made_configs
    from netlint.arguments.usage import sequence_length, usage_hint

    told = hints(factory, required, namespace)
    for name in required:
        if name not in told and meaning(name) is None and (configs := made_configs(factory, name, namespace)):
            told[name] = configs
        elif name not in told and meaning(name) is None \
                and _layer_class(name, _parameters(factory).get(name)) is None \
                and (used := usage_hint(factory, name, namespace)):
            told[name] = used
    for name in list(told):  # what the code says, as far as the constructor admits it
        admitted = tuple(v for v in told[name].values if admits(factory, name, v))
        if not admitted:
            del told[name]
        elif admitted != told[name].values:
            texts = tuple(t for v, t in zip(told[name].values, told[name].texts) if admits(factory, name, v))
            told[name] = replace(told[name], values=admitted, texts=texts)
    values, missing = guess(factory, [n for n in required if n not in told])
    if missing is not None:
        return [], missing
    tries = {n: _tries(factory, n, values[n]) for n in required if n not in told}
    values.update({n: found[0] for n, found in tries.items() if found})
    first = {name: told[name].values[0] if name in told else values[name] for name in required}
    first.update({k: v for k, v in values.items() if k not in first})
    others: list[tuple[str, tuple[Any, ...]]] = [(n, told[n].values[1:]) for n in required if n in told]
    others += [(n, found[1:]) for n, found in tries.items()]
    made = [Guess(first, _source(told, first, values), _texts(told, first))]
    for name, alternatives in others:
        for value in alternatives:
            if len(made) < MAX_GUESSES:
                changed = {**first, name: value}
                made.append(Guess(changed, _source(told, changed, values), _texts(told, changed)))
    lengths = {n: length for n in required if n not in told and (length := sequence_length(factory, n))}
    if lengths:  # a count the constructor indexes or iterates (``layers[0]``): one per stage
        made = [replace(g, values={n: [v] * lengths[n] if n in lengths and type(v) is int else v
                                   for n, v in g.values.items()}) for g in made]
    return made, None


USUAL_DEPTHS = (16, 28, 40, 22, 50, 101, 110, 164)  # the depths of published ResNets and WideResNets


def _tries(factory: Any, name: str, value: Any) -> tuple[Any, ...]:
    """The values to try for a guessed parameter, best first, those its constructor rejects
    left out: a count at its other usual values, a depth also at the usual depths."""
    from netlint.arguments.constraints import admits

    if (meaning(name) or ("", None))[0] not in COUNTS:
        return (value,)
    found = [value, *(v for v in COUNT_TRIES if v != value)]
    if "depth" in _words(name):
        found += [v for v in USUAL_DEPTHS if v not in found]
    admitted = tuple(v for v in found if admits(factory, name, v))
    return admitted or (value,)


def _texts(told: dict, chosen: dict[str, Any]) -> dict[str, str]:
    return {name: hint.texts[i] for name, hint in told.items() if hint.texts
            for i, value in enumerate(hint.values) if value is chosen[name]}


def _source(told: dict, chosen: dict[str, Any], guessed: dict[str, Any]) -> str:
    if not told:
        return GUESSED
    parts = [f"{hint.source} for {name}" + (" (the first)" if len(hint.values) > 1 and chosen[name] == hint.values[0]
                                            else "") for name, hint in told.items()]
    return ", ".join(parts) + (f", the others {GUESSED}" if guessed else "")


def _conventional(name: str) -> Any:
    found = meaning(name)
    return None if found is None else found[1]


def _image_shapes(values: dict[str, Any]) -> dict[str, Any]:
    """``img_shape`` is (channels, height, width) in GAN code: a tuple, not a side."""
    return {name: (3, value, value) for name, value in values.items() if name.endswith("shape")}



def _parameters(factory: Any) -> dict[str, inspect.Parameter]:
    try:
        return dict(inspect.signature(factory).parameters)
    except (TypeError, ValueError):
        return {}


def _layer_class(name: str, parameter: inspect.Parameter | None) -> type | None:
    """The guessed layer class for a parameter that takes one, else None."""
    words = _words(name)
    if words & _NAME_WORDS or _is_value(parameter):
        return None
    found = next((cls for _, names, cls in LAYER_CONVENTIONS if name.lower().strip("_") in names
                  or (words - {name.lower().strip("_")}) >= {"norm", "layer"}), None)
    return None if found is None else guessed_layer(found)


def _is_value(parameter: inspect.Parameter | None) -> bool:
    """Annotated or defaulted as a string or a flag (``norm: str``, ``bn: bool``): not a class."""
    if parameter is None:
        return False
    annotation = parameter.annotation
    return isinstance(parameter.default, (str, bool)) or annotation in (str, bool, "str", "bool")


_GUESSED_LAYERS: dict[str, type] = {}


def guessed_layer(name: str) -> type:
    """torch's ``nn.<name>`` as netlint's guess: the same layer (same name and module, so a
    tracer keeps it whole and a rule sees a ``BatchNorm2d``), shown as ``nn.BatchNorm2d`` in
    the call netlint reports, and marked so a finding on it can say its type is a guess."""
    if name not in _GUESSED_LAYERS:
        from torch import nn  # only when a guess needs it: model-less files never import torch

        base = getattr(nn, name)
        _GUESSED_LAYERS[name] = type(name, (base,), {
            "__module__": base.__module__, "__qualname__": f"nn.{name}", "__doc__": base.__doc__,
            "guessed_by_netlint": True})
    return _GUESSED_LAYERS[name]


def is_guessed_layer(module: Any) -> bool:
    """Whether the module's class is netlint's guess for a layer-class parameter."""
    return getattr(type(module), "guessed_by_netlint", False)
