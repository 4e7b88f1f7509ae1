from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._counting import conv_class, count, on_meta
from netlint.rules._dataflow import creation_key, fmt_shape, spatial


@dataclass(frozen=True)
class _Blind:
    """A layer some of whose kernel taps never see its input at the example input size."""

    layer: Layer
    live: tuple[tuple[int, ...], ...]  # per spatial dimension, the taps that see the input
    kernel: tuple[int, ...]

    @property
    def taps(self) -> int:
        return math.prod(self.kernel)

    @property
    def seeing(self) -> int:
        return math.prod(len(live) for live in self.live)


class FeatureMapCollapse(Rule):
    """Feature map that shrinks to 1×1 while convolutions or pooling still run on it.

    ## What it does
    Runs on the shapes of the example input (256×256 images unless ``--input-shape`` says
    otherwise) and finds the layer where a feature map reaches 1×1 (1 in every spatial
    dimension) when later layers, following dataflow, still apply convolution or pooling
    kernels larger than 1 to the 1×1 map: the map collapsed before the last stage. The
    finding is on the line that created the layer where the map collapsed; it names that
    layer and its output shape, and the later layers whose kernels then see only their
    centre tap. When several paths collapse (a residual block's main path and its strided
    shortcut), the later layers are reported once, with the first. A map that reaches 1×1
    at the end — global pooling before the classifier, the bottleneck of a U-Net whose
    decoder then upsamples — is not reported. Convolutions with reflect, replicate or
    circular padding are left alone (their padding is data). A model that runs only on the CPU, at the small
    input netlint picks for it (64×64), is not judged: that size is nobody's but netlint's.

    ## Why is this bad?
    On a 1×1 map a 3×3 convolution is a 1×1 convolution with nine times the weights: eight
    of its nine taps only ever multiply zero padding, receive no gradient from the data, and
    cost memory and compute. More importantly the model has no spatial layout left to work
    with, which usually means it downsamples too often for the input it is given — an
    ImageNet network (stride 32) fed 32×32 CIFAR images — or that the example input is not
    the size the model is meant for (give it with ``--input-shape``).

    ## Example
    ```python
    # an ImageNet ResNet-18 (stride 32) on 32×32 CIFAR images: layer4 runs on 1×1 maps
    model = torchvision.models.resnet18(num_classes=10)
    ```

    ## Use instead
    Downsample less for small inputs (the CIFAR ResNets of He et al. use a 3×3 stride-1 stem
    and no max pooling):
    ```python
    model.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
    model.maxpool = nn.Identity()
    ```

    ## References
    - He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, §4.2 (the CIFAR-10
      ResNets: 3×3 stem, three stages with maps of 32, 16 and 8).
    - Dumoulin & Visin, "A guide to convolution arithmetic for deep learning", 2016 (how
      kernel, stride and padding decide which input positions each output sees).
    - Luo et al., "Understanding the Effective Receptive Field in Deep Convolutional Neural
      Networks", NeurIPS 2016.
    """

    code = "NL304"
    name = "feature-map-collapse"
    severity = "warning"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        if graph.reduced_input:  # a size netlint chose to run on the CPU: a collapse there is its own doing
            return
        by_site: dict[object, dict[str, tuple[Layer, list[_Blind]]]] = defaultdict(dict)
        explained: set[int] = set()  # wasted layers already reported with an earlier collapse
        for layer in graph.layers:  # in execution order: a residual block's main path before its skip
            if not _collapses(layer):
                continue
            wasted = [b for b in _kernels_on_point(graph, layer) if b.layer.index not in explained]
            if wasted:
                explained.update(b.layer.index for b in wasted)
                by_site[creation_key(layer)].setdefault(layer.name, (layer, wasted))
        for items in by_site.values():
            yield self._finding(graph, list(items.values()))

    def _finding(self, graph: ModelGraph, items: list[tuple[Layer, list[_Blind]]]) -> Finding:
        layer, _ = items[0]
        wasted = [b for _, blinds in items for b in blinds]
        example = " and ".join(fmt_shape(s) for s in graph.input_shapes)
        where = (f"{layer.type} {layer.name} (output {fmt_shape(layer.output_shape)})" if len(items) == 1 else
                 f"{len(items)} {layer.type} layers made by this line (first: {layer.name}, output "
                 f"{fmt_shape(layer.output_shape)})")
        first = wasted[0]
        kinds = "layer" if len(wasted) == 1 else "layers"
        later = (f"{len(wasted)} later {kinds} still apply kernels larger than 1×1 to it (first: "
                 f"{first.layer.type} {first.layer.name}, {fmt_shape(first.kernel)}): only "
                 f"{sum(b.seeing for b in wasted)} of their {sum(b.taps for b in wasted)} kernel taps "
                 "see the input, the others multiply padding")
        message = f"the feature map reaches 1×1 at {where} at the example input {example}, and {later}"
        advice = ("downsample less for this input size (fewer stride-2 steps), or give the real input "
                  "size with --input-shape if it is larger")
        convs = [b for b in wasted if b.layer.op == "conv"]
        replacements = [_replacement(b) for b in convs]
        if not convs or any(r is None for r in replacements):
            return self.finding(graph, layer, message, advice)
        before = sum(b.layer.params for b in convs)
        after = sum(count(r[0]) for r in replacements)
        example_fix = replacements[0][1]
        return self.finding(
            graph, layer, message,
            f"{advice}; at this size the later convolutions compute the same with 1×1 kernels "
            f"(e.g. {example_fix})",
            params_before=before, params_after=after,
        )


def _is_point(shape, rank: int | None = None) -> bool:
    """A shape (N, C, 1, …) with every spatial size 1."""
    return (shape is not None and len(shape) >= 3 and (rank is None or len(shape) == rank)
            and all(size == 1 for size in shape[2:]))


def _collapses(layer: Layer) -> bool:
    """Whether the layer turns a larger spatial map into a 1×1 one."""
    shape = layer.output_shape
    return _is_point(shape) and any(
        s is not None and len(s) == len(shape) and not _is_point(s) for s in layer.input_shapes)


def _kernels_on_point(graph: ModelGraph, start: Layer) -> list[_Blind]:
    """Convolutions and pooling with kernels larger than 1 that run, downstream of
    ``start``, on the 1×1 map it made (or on maps made from it that are still 1×1)."""
    rank = len(start.output_shape)
    found: dict[int, _Blind] = {}
    stack, seen = graph.consumers(start), {start.index}
    while stack:
        layer = stack.pop()
        if layer.index in seen:
            continue
        seen.add(layer.index)
        if layer.op in ("conv", "pool"):
            blind = _blind(layer)
            if blind is not None:
                found[layer.index] = blind
        if _is_point(layer.output_shape, rank):
            stack.extend(graph.consumers(layer))
    return [found[i] for i in sorted(found)]


def _left_padding(a: dict, dims: int) -> tuple[int, ...] | None:
    padding = a.get("padding", (0,) * dims)
    if padding == "valid":
        return (0,) * dims
    if padding == "same":  # PyTorch pads the odd extra on the right
        return tuple(d * (k - 1) // 2 for k, d in zip(a["kernel_size"], a["dilation"]))
    return tuple(padding) if isinstance(padding, tuple) and len(padding) == dims else None


def _blind(layer: Layer) -> _Blind | None:
    a = layer.attrs
    if "kernel_size" not in a or a.get("padding_mode", "zeros") != "zeros":
        return None
    dims = a["dims"]
    inputs = spatial(layer.input_shapes[0] if layer.input_shapes else None, dims)
    outputs = spatial(layer.output_shape, dims)
    padding = _left_padding(a, dims)
    if inputs is None or outputs is None or padding is None:
        return None
    live = tuple(
        tuple(j for j in range(k) if any(0 <= o * s + j * d - p < n for o in range(m)))
        for n, m, k, s, d, p in zip(inputs, outputs, a["kernel_size"], a["stride"], a["dilation"], padding)
    )
    if all(len(taps) == k for taps, k in zip(live, a["kernel_size"])) or not all(live):
        return None
    return _Blind(layer, live, tuple(a["kernel_size"]))


def _replacement(blind: _Blind):
    """The convolution with only the taps that see the input, when it gives the same output
    at this input size: (module on meta, how to write it)."""
    layer, a = blind.layer, blind.layer.attrs
    dims = a["dims"]
    kernel, padding = [], []
    for taps, d, p, n, m, s in zip(blind.live, a["dilation"], _left_padding(a, dims),
                                   spatial(layer.input_shapes[0], dims), spatial(layer.output_shape, dims),
                                   a["stride"]):
        if list(taps) != list(range(taps[0], taps[-1] + 1)):
            return None
        k, q = len(taps), p - taps[0] * d
        if q < 0 or (n + 2 * q - d * (k - 1) - 1) // s + 1 != m:
            return None
        kernel.append(k)
        padding.append(q)
    module = on_meta(conv_class(dims), a["in_channels"], a["out_channels"], tuple(kernel),
                     stride=a["stride"], padding=tuple(padding), dilation=a["dilation"],
                     groups=a["groups"], bias=a["bias"])
    k_text = kernel[0] if len(set(kernel)) == 1 else tuple(kernel)
    p_text = "" if not any(padding) else f", padding={padding[0] if len(set(padding)) == 1 else tuple(padding)}"
    extra = p_text + ("" if a["groups"] == 1 else f", groups={a['groups']}") + ("" if a["bias"] else ", bias=False")
    return module, f"Conv{dims}d({a['in_channels']}, {a['out_channels']}, kernel_size={k_text}{extra})"
