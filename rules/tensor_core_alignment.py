from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from typing import ClassVar

from torch import nn

from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._counting import conv_class, count, on_meta
from netlint.rules._dataflow import creation_key

_WEIGHTED = ("conv", "conv_transpose", "linear", "embedding")


class TensorCoreAlignment(Rule):
    """Channel counts that are not a multiple of 8.

    ## What it does
    Finds ``Linear`` and convolution layers (module or functional) whose input or output
    channel count (``in_features`` / ``out_features``, ``in_channels`` / ``out_channels``) is
    not a multiple of 8 (the class attribute ``multiple``). The model's own input channels
    (the 3 of an RGB image, read by a layer that no weighted layer precedes) and its final
    output size (the classes, written by a layer that no weighted layer follows) are not
    reported: those are given by the data. Layers created by the same line are reported
    once. Off by default: turn it on with ``--extend-select NL401`` when the model will train
    or run in fp16/bf16 on NVIDIA GPUs.

    ## Why is this bad?
    Tensor Cores multiply matrices in tiles; NVIDIA's libraries use them for fp16 and bf16
    only when the dimensions of the matrix product — a linear layer's input and output
    features, a convolution's input and output channels — are multiples of 8 (16 bytes), and
    often run faster still at larger multiples (64, 128). Otherwise they pad internally or fall
    back to slower kernels, so a width of 100 can cost the time of 104 or much more. Rounding
    a hidden width up costs a few parameters and often makes the layer faster.

    ## Example
    ```python
    self.mlp = nn.Sequential(nn.Linear(512, 1000), nn.GELU(), nn.Linear(1000, 512))
    ```

    ## Use instead
    ```python
    self.mlp = nn.Sequential(nn.Linear(512, 1024), nn.GELU(), nn.Linear(1024, 512))
    ```

    ## References
    - NVIDIA, "Deep Learning Performance Documentation: Matrix Multiplication Background
      User's Guide", *Tensor Core Requirements*.
    - NVIDIA, "Convolutional Layers User's Guide", *Channels In and Out* (multiples of 8 for
      fp16).
    - Micikevicius et al., "Mixed Precision Training", ICLR 2018.
    """

    code = "NL401"
    name = "tensor-core-alignment"
    severity = "note"
    enabled_by_default = False
    multiple: ClassVar[int] = 8

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        after_input = _reached(graph, forward=True)
        before_output = _reached(graph, forward=False)
        by_site: dict[object, dict[str, tuple[Layer, dict[str, int]]]] = defaultdict(dict)
        for layer in graph.of_op("conv", "conv_transpose", "linear"):
            counts = _channel_counts(layer)
            if counts is None:
                continue
            (in_key, in_value), (out_key, out_value) = counts
            misaligned = {}
            if in_value % self.multiple and layer.index in after_input:
                misaligned[in_key] = in_value
            if out_value % self.multiple and layer.index in before_output:
                misaligned[out_key] = out_value
            if misaligned:
                by_site[creation_key(layer)].setdefault(layer.name, (layer, misaligned))
        for items in by_site.values():
            yield self._finding(graph, list(items.values()))

    def _finding(self, graph: ModelGraph, items: list[tuple[Layer, dict[str, int]]]) -> Finding:
        layer, misaligned = items[0]
        counts = " and ".join(f"{key}={value}" for key, value in misaligned.items())
        rounded = ", ".join(f"{key}={self._round(value, layer)}" for key, value in misaligned.items())
        what = (f"{layer.type} {layer.name} has {counts}" if len(items) == 1 else
                f"{len(items)} {layer.type} layers made by this line ({layer.name} and "
                f"{len(items) - 1} more) have channel counts that are not multiples of "
                f"{self.multiple} (first: {counts})")
        if len(items) == 1:
            what += f", not a multiple of {self.multiple}"
        before = sum(item[0].params for item in items)
        after_counts = [self._rounded_params(item[0], item[1]) for item in items]
        after = None if any(n is None for n in after_counts) else sum(after_counts)
        return self.finding(
            graph, layer,
            f"{what}: fp16/bf16 Tensor Core kernels need multiples of {self.multiple} and pad or "
            "fall back to slower kernels otherwise",
            f"round to a multiple of {self.multiple} ({rounded}), and widen the layers that read "
            "or write these channels to match",
            params_before=before if after is not None else None, params_after=after,
            covers=[x for x, _ in items],
        )

    def _round(self, value: int, layer: Layer) -> int:
        groups = layer.attrs.get("groups", 1)
        step = self.multiple * groups // math.gcd(self.multiple, groups)
        return -(-value // step) * step

    def _rounded_params(self, layer: Layer, misaligned: dict[str, int]) -> int | None:
        """This layer's parameters with the misaligned counts rounded up."""
        a = {**layer.attrs, **{k: self._round(v, layer) for k, v in misaligned.items()}}
        if layer.op == "linear":
            return count(on_meta(nn.Linear, a["in_features"], a["out_features"], bias=a["bias"]))
        groups = a["groups"]
        if groups > 1 and layer.attrs["groups"] == layer.attrs["in_channels"]:  # depthwise stays depthwise
            groups = a["in_channels"]
        if a["in_channels"] % groups or a["out_channels"] % groups:
            return None
        return count(on_meta(conv_class(a["dims"], transposed=layer.op == "conv_transpose"),
                             a["in_channels"], a["out_channels"], a["kernel_size"],
                             groups=groups, bias=a["bias"]))


def _channel_counts(layer: Layer):
    a = layer.attrs
    if layer.op == "linear" and "in_features" in a and layer.type != "Bilinear":
        return ("in_features", a["in_features"]), ("out_features", a["out_features"])
    if layer.op in ("conv", "conv_transpose") and "in_channels" in a:
        return ("in_channels", a["in_channels"]), ("out_channels", a["out_channels"])
    return None


def _reached(graph: ModelGraph, forward: bool) -> set[int]:
    """Layers that a weighted layer precedes (``forward``) or follows, along dataflow."""
    order = graph.layers if forward else tuple(reversed(graph.layers))
    reached: set[int] = set()
    for layer in order:
        sources = graph.producers(layer) if forward else graph.consumers(layer)
        if any(s.op in _WEIGHTED or s.index in reached for s in sources):
            reached.add(layer.index)
    return reached
