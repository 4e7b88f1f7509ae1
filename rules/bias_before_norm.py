from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from torch import nn

from netlint.fix.changes import Applicability, Autofix, Call, SetArgument
from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._counting import conv_class, count, on_meta
from netlint.rules._dataflow import creation_key
from netlint.rules._fixes import unfixable
from netlint.rules._guessed import guessed_note

_WEIGHTED = ("conv", "conv_transpose", "linear")


class BiasBeforeNorm(Rule):
    """Bias of a layer whose output a normalization subtracts its mean from.

    ## What it does
    Finds a convolution, transposed convolution or linear layer with a bias (module or
    functional form) whose output goes only into BatchNorm, InstanceNorm, or GroupNorm with
    one channel per group, following dataflow (through identities and dropout: at inference a
    dropout is the identity, and in training it only masks the constant it carries). Layers
    created by the same line are
    reported once. It stays quiet before LayerNorm and before GroupNorm with several channels
    per group: those subtract a mean over several channels, which does not cancel a
    per-channel bias.

    ## Why is this bad?
    The bias adds one constant per output channel. BatchNorm subtracts each channel's mean
    over the batch and the spatial positions, InstanceNorm (and GroupNorm with one channel per
    group) each channel's mean over the positions of one sample: the constant is part of
    that mean and is subtracted again, so the bias never changes the output, receives a zero
    gradient, and only costs parameters, memory traffic and optimizer state. The
    norm's own shift (β, when ``affine=True``) already does the bias's job. This is why
    ResNet and its successors build ``Conv2d(..., bias=False)`` before BatchNorm; CycleGAN's
    generator keeps ``use_bias=True`` exactly when its norm is InstanceNorm, whose mean
    subtraction cancels the bias just the same.

    ## Example
    ```python
    self.block = nn.Sequential(
        nn.Conv2d(64, 128, 3, padding=1),  # bias=True by default
        nn.BatchNorm2d(128),
        nn.ReLU(inplace=True),
    )
    ```

    ## Use instead
    ```python
    self.block = nn.Sequential(
        nn.Conv2d(64, 128, 3, padding=1, bias=False),  # 128 parameters fewer
        nn.BatchNorm2d(128),
        nn.ReLU(inplace=True),
    )
    ```

    ## Fix
    Safe: ``bias=False`` at the call that created the layer (by keyword, or in place of the
    positional bias). The output does not change; the parameter count falls by the bias's
    size, and the state_dict no longer has the ``.bias`` key (load older checkpoints with
    ``strict=False``). No fix when the flag comes from a variable (``bias=use_bias``) or the
    line also creates layers whose bias is needed.

    ## References
    - Ioffe & Szegedy, "Batch Normalization: Accelerating Deep Network Training by Reducing
      Internal Covariate Shift", ICML 2015, §3.2 ("the bias b can be ignored since its
      effect will be canceled by the subsequent mean subtraction").
    - Ulyanov, Vedaldi & Lempitsky, "Instance Normalization: The Missing Ingredient for Fast
      Stylization", 2016.
    - Wu & He, "Group Normalization", ECCV 2018 (GroupNorm with one channel per group is
      InstanceNorm).
    """

    code = "NL102"
    name = "bias-before-norm"
    severity = "warning"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        by_site: dict[object, dict[str, tuple[Layer, Layer]]] = defaultdict(dict)
        for layer in graph.of_op(*_WEIGHTED):
            if not layer.attrs.get("bias") or layer.index in graph.outputs:
                continue
            readers = graph.feeds(layer, through=lambda x: x.op in ("identity", "dropout"))
            if readers and all(_cancels_bias(layer, norm) for norm in readers):
                by_site[creation_key(layer)].setdefault(layer.name, (layer, readers[0]))
        for pairs in by_site.values():
            finding = self._finding(graph, list(pairs.values()))
            if finding is not None:
                yield finding

    def _finding(self, graph: ModelGraph, pairs: list[tuple[Layer, Layer]]) -> Finding | None:
        after_counts = [_without_bias(layer) for layer, _ in pairs]
        if any(n is None for n in after_counts):
            return None
        layer, norm = pairs[0]
        before, after = sum(layer.params for layer, _ in pairs), sum(after_counts)
        guessed = guessed_note(n for _, n in pairs)
        if len(pairs) == 1:
            what = (f"{layer.type} {layer.name} has a bias, and its output goes only into "
                    f"{norm.type} {norm.name}{guessed}")
        else:
            what = (f"{len(pairs)} {layer.type} layers made by this line ({layer.name} and "
                    f"{len(pairs) - 1} more) have biases, and their outputs go only into "
                    f"{norm.type} layers (first: {norm.name}){guessed}")
        keys = f"; the state_dict loses its {layer.name}.bias key" if layer.module is not None else ""
        shift = ("the norm's own shift β does the bias's job" if norm.attrs.get("affine", True)
                 else f"{norm.type} has no affine shift here: give it affine=True if a shift is wanted")
        return self.finding(
            graph, layer,
            f"{what}, whose per-channel mean subtraction cancels {'it' if len(pairs) == 1 else 'them'}: "
            f"{before - after:,} parameters that never change the output",
            f"pass bias=False ({shift}{keys})",
            params_before=before, params_after=after, autofix=_autofix(graph, [layer for layer, _ in pairs]),
            covers=[x for x, _ in pairs],
        )


def _autofix(graph: ModelGraph, layers: list[Layer]) -> Autofix:
    """Safe: the bias never changed the output."""
    return (unfixable(graph, layers, function=f"{layers[0].type} is a function given a bias tensor; pass bias=None")
            or Autofix.of(Applicability.SAFE, SetArgument(Call.of(layers[0]), "bias", "False", "the bias flag")))


def _channels(layer: Layer) -> int | None:
    a = layer.attrs
    return a.get("out_channels", a.get("out_features"))


def _cancels_bias(layer: Layer, norm: Layer) -> bool:
    """Whether the norm subtracts, for every output channel of ``layer`` separately, a mean
    that includes that channel's bias."""
    channels = _channels(layer)
    shape = norm.input_shapes[0] if norm.input_shapes else None
    if channels is None or shape is None or len(shape) < 2 or shape[1] != channels:
        return False
    if layer.op == "linear" and len(shape) != 2:  # features are not dimension 1 of a (N, L, F) output
        return False
    if norm.op == "batch_norm":
        return True
    if norm.op == "instance_norm":  # per sample and channel, over the spatial positions
        return layer.op != "linear" and len(shape) >= 3
    if norm.op == "group_norm":
        return norm.attrs.get("num_groups") is not None and norm.attrs["num_groups"] == norm.attrs.get("num_channels")
    return False


def _without_bias(layer: Layer) -> int | None:
    """Parameters of the same layer built without its bias."""
    a = layer.attrs
    if layer.op == "linear":
        if "in_features" not in a:
            return None
        return count(on_meta(nn.Linear, a["in_features"], a["out_features"], bias=False))
    if "kernel_size" not in a:
        return None
    cls = conv_class(a["dims"], transposed=layer.op == "conv_transpose")
    return count(on_meta(cls, a["in_channels"], a["out_channels"], a["kernel_size"], stride=a["stride"],
                         dilation=a["dilation"], groups=a["groups"], bias=False))
