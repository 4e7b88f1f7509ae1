from __future__ import annotations

from collections.abc import Iterator

from netlint.fix.changes import Applicability, Autofix, Call, CopyArguments, RemoveCall
from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._counting import conv_class, count, on_meta
from netlint.rules._dataflow import tensor_producers
from netlint.rules._fixes import unfixable

# What may stand between the depthwise and the pointwise step without changing the question.
_BETWEEN = ("batch_norm", "instance_norm", "group_norm", "activation", "dropout", "identity")


class SeparableConv1x1(Rule):
    """Depthwise-separable convolution that costs more than a plain convolution.

    ## What it does
    Finds a depthwise convolution (``groups == in_channels``) whose output feeds a pointwise
    1×1 convolution (following dataflow, through normalization and activation layers, and
    functional ``F.conv2d`` calls too) when the pair has at least as many parameters as one
    plain convolution with the same input channels, output channels and kernel. The usual
    case is a depthwise convolution with a 1×1 kernel. The pointwise convolution must be the
    only consumer of the depthwise output and of every layer between them: when the output
    also feeds anything else (an attention or context branch, a residual, a concatenation,
    a model output), the pair cannot be replaced by one convolution and is not reported.

    ## Why is this bad?
    A depthwise 1×1 convolution is only a per-channel scale (and shift): the pointwise
    convolution after it can learn that scale itself. Replacing a plain ``k×k`` convolution
    by depthwise ``k×k`` + pointwise 1×1 saves parameters only when ``k > 1``: for
    ``C_in → C_out`` the pair has ``C_in·k² + C_in·C_out`` weights against
    ``C_in·C_out·k²``. At ``k = 1`` it has ``C_in`` *more* weights (plus ``C_in`` biases),
    and with a depth multiplier above 1 and few output channels even a 3×3 pair can cost
    more than the plain convolution.

    ## Example
    ```python
    self.block = nn.Sequential(
        nn.Conv2d(128, 128, kernel_size=1, groups=128),  # depthwise 1×1
        nn.Conv2d(128, 256, kernel_size=1),              # pointwise
    )
    ```

    ## Use instead
    ```python
    self.block = nn.Conv2d(128, 256, kernel_size=1)  # 33,024 parameters instead of 33,280
    ```
    For a ``k×k`` kernel with a depth multiplier, compare both counts before choosing.

    ## Fix
    Unsafe (one convolution with new weights): the pointwise convolution takes the
    depthwise one's input channels, kernel size, stride, padding and dilation, and the
    depthwise convolution becomes ``nn.Identity()``. Only when the depthwise output goes
    straight into the pointwise convolution, or the depth multiplier is 1 (a norm or an
    activation between them then works on the input's channels).

    ## References
    - Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", CVPR 2017.
    - Howard et al., "MobileNets: Efficient Convolutional Neural Networks for Mobile Vision
      Applications", 2017 (§3.1 gives the cost of each step).
    """

    code = "NL101"
    name = "separable-conv-1x1"
    severity = "warning"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        costly: dict[object, list[tuple[Layer, Layer, int, int]]] = {}
        for depthwise in graph.of_op("conv"):
            if not _is_depthwise(depthwise):
                continue
            pointwise = _only_pointwise_after(graph, depthwise)
            if pointwise is None:
                continue
            before, after = depthwise.params + pointwise.params, _plain_conv_params(depthwise, pointwise)
            if before >= after:
                costly.setdefault(depthwise.site, []).append((depthwise, pointwise, before, after))
        for pairs in costly.values():  # one finding per line that creates such depthwise layers
            yield self._finding(graph, pairs)

    def _finding(self, graph: ModelGraph, pairs: list[tuple[Layer, Layer, int, int]]) -> Finding:
        depthwise, pointwise, _, _ = pairs[0]
        before, after = sum(p[2] for p in pairs), sum(p[3] for p in pairs)
        d, p = depthwise.attrs, pointwise.attrs
        kernel = "×".join(map(str, d["kernel_size"]))
        if all(k == 1 for k in d["kernel_size"]):
            why = ("a depthwise 1×1 convolution is only a per-channel scale, which the pointwise "
                   "convolution can learn itself")
        else:
            why = (f"with a depth multiplier of {d['out_channels'] // d['in_channels']} and "
                   f"{p['out_channels']} outputs the separable pair saves nothing")
        pair = f"depthwise {kernel} {depthwise.name} + pointwise {pointwise.name}"
        plain = f"{d['in_channels']}→{p['out_channels']}"
        if len(pairs) == 1:
            counts = f"{pair} has {before:,} parameters, a plain {kernel} convolution {plain} has {after:,}"
        else:
            counts = (f"{len(pairs)} depthwise-pointwise pairs made by this line (first: {pair}) have "
                      f"{before:,} parameters, plain {kernel} convolutions (first: {plain}) {after:,}")
        kernel_arg = d["kernel_size"][0] if len(set(d["kernel_size"])) == 1 else d["kernel_size"]
        return self.finding(
            graph, depthwise, f"{counts}: {why}",
            f"replace the depthwise and pointwise convolutions with one Conv{d['dims']}d({d['in_channels']}, {p['out_channels']}, "
            f"kernel_size={kernel_arg}{'' if p['bias'] else ', bias=False'})",
            params_before=before, params_after=after, autofix=_autofix(graph, pairs),
            covers=[layer for pair in pairs for layer in pair[:2]],
        )


def _autofix(graph: ModelGraph, pairs: list[tuple[Layer, Layer, int, int]]) -> Autofix:
    depthwise, pointwise, _, _ = pairs[0]
    for layers in ([p[0] for p in pairs], [p[1] for p in pairs]):
        blocked = unfixable(graph, layers, function="a convolution of the pair is a function call given its weight")
        if blocked:
            return blocked
    direct = tensor_producers(graph, pointwise) == [depthwise]
    if not direct and depthwise.attrs["out_channels"] != depthwise.attrs["in_channels"]:
        return Autofix.none("layers between the two convolutions work on the depthwise output's channels")
    names = ("in_channels", "kernel_size", "stride", "padding", "dilation")
    return Autofix.of(Applicability.UNSAFE, RemoveCall(Call.of(depthwise)),
                      CopyArguments(Call.of(pointwise), Call.of(depthwise), tuple((n, n) for n in names)))


def _only_pointwise_after(graph: ModelGraph, depthwise: Layer) -> Layer | None:
    """The pointwise convolution that is the only consumer of the depthwise output, following
    a chain of single-input ``_BETWEEN`` layers each read by nothing but the next; ``None``
    when the output (or a layer of the chain) is read by anything else or is a model output:
    then one plain convolution could not replace the pair."""
    outputs = set(graph.outputs)
    current = depthwise
    while True:
        consumers = _tensor_consumers(graph, current)
        if current.index in outputs or len(consumers) != 1:
            return None
        nxt, = consumers
        if [p.index for p in tensor_producers(graph, nxt)] != [current.index]:
            return None  # nxt also reads another tensor (an addition, a concatenation…)
        if _is_pointwise(nxt, depthwise):
            return nxt
        if nxt.op not in _BETWEEN:
            return None
        current = nxt


def _tensor_consumers(graph: ModelGraph, layer: Layer) -> list[Layer]:
    """The consumers that read this layer's output as a tensor: ``x.size(0)`` or ``x.shape``
    only reads metadata (its output has no shape), unless no consumer has a known shape."""
    consumers = graph.consumers(layer)
    tensors = [c for c in consumers if c.output_shape is not None]
    return tensors if tensors or not consumers else consumers


def _plain_conv_params(depthwise: Layer, pointwise: Layer) -> int:
    """Parameters of the one convolution that does what the pair does."""
    d, p = depthwise.attrs, pointwise.attrs
    plain = on_meta(conv_class(d["dims"]), d["in_channels"], p["out_channels"],
                    kernel_size=d["kernel_size"], stride=d["stride"], padding=d["padding"],
                    dilation=d["dilation"], bias=p["bias"])
    return count(plain)


def _is_depthwise(layer: Layer) -> bool:
    a = layer.attrs
    return a.get("groups", 1) > 1 and a["groups"] == a["in_channels"]


def _is_pointwise(layer: Layer, depthwise: Layer) -> bool:
    a = layer.attrs
    return (layer.op == "conv" and a.get("groups") == 1 and all(k == 1 for k in a["kernel_size"])
            and a["in_channels"] == depthwise.attrs["out_channels"] and a["dims"] == depthwise.attrs["dims"])
