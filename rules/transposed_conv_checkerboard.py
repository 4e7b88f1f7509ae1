from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator

from netlint.fix.changes import Applicability, Autofix, Call, SetArgument
from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._counting import conv_class, count, on_meta
from netlint.rules._dataflow import creation_key
from netlint.rules._fixes import unfixable


class TransposedConvCheckerboard(Rule):
    """Transposed convolution whose kernel size is not divisible by its stride.

    ## What it does
    Finds a transposed convolution (``nn.ConvTranspose1d/2d/3d``, ``F.conv_transpose2d``…)
    whose kernel overlaps itself unevenly: with kernel ``k`` and stride ``s``, the output
    positions do not all receive the same number of kernel taps (for dilation 1, when
    ``k`` is not a multiple of ``s``). It is a warning in image-to-image models, where the
    output is an image, and a note elsewhere (segmentation decoders, feature upsampling).
    Layers created by the same line are reported once.

    ## Why is this bad?
    A transposed convolution with stride ``s`` paints each input value into the output
    through the kernel, moving by ``s`` positions each time. When ``k`` is not a multiple of
    ``s`` some output positions are painted by more kernel taps than their neighbours, in a
    pattern that repeats every ``s`` pixels: the checkerboard artifacts of generated and
    upsampled images. The network can learn weights that hide the pattern, but in practice it
    rarely does completely, and stacking such layers compounds it. CycleGAN's ResNet generator
    upsamples with kernel 3, stride 2, and its users report grid-like outputs (see the
    references); its maintainers point to this cause.

    ## Example
    ```python
    self.up = nn.ConvTranspose2d(128, 64, kernel_size=3, stride=2, padding=1, output_padding=1)
    ```

    ## Use instead
    Resize, then convolve (same parameter count):
    ```python
    self.up = nn.Sequential(
        nn.Upsample(scale_factor=2, mode="nearest"),
        nn.Conv2d(128, 64, kernel_size=3, padding=1),
    )
    ```
    or a kernel divisible by the stride:
    ``nn.ConvTranspose2d(128, 64, kernel_size=4, stride=2, padding=1)``.

    ## Fix
    Unsafe (another kernel, new weights): the kernel rounded up to a multiple of the stride,
    with padding and output_padding changed so that the output keeps its size
    (``ConvTranspose2d(128, 64, 3, stride=2, padding=1, output_padding=1)`` becomes kernel 4,
    padding 1, output_padding 0). Only for dilation 1, and when each argument it changes is
    written as a number.

    ## References
    - Odena, Dumoulin & Olah, "Deconvolution and Checkerboard Artifacts", Distill 2016.
    - Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
      Networks" (CycleGAN), ICCV 2017 (its generator's kernel-3, stride-2 upsampling), and
      junyanz/pytorch-CycleGAN-and-pix2pix issues #78 and #190 (grid-like and checkered outputs).
    - Shi et al., "Real-Time Single Image and Video Super-Resolution Using an Efficient
      Sub-Pixel Convolutional Neural Network", CVPR 2016 (sub-pixel convolution, another
      artifact-free upsampler).
    """

    code = "NL301"
    name = "transposed-conv-checkerboard"
    severity = "warning"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        by_site: dict[object, dict[str, Layer]] = defaultdict(dict)
        for layer in graph.of_op("conv_transpose"):
            a = layer.attrs
            if "kernel_size" in a and any(_uneven(k, s, d) for k, s, d in
                                          zip(a["kernel_size"], a["stride"], a["dilation"])):
                by_site[creation_key(layer)].setdefault(layer.name, layer)
        for layers in by_site.values():
            yield self._finding(graph, list(layers.values()))

    def _finding(self, graph: ModelGraph, layers: list[Layer]) -> Finding:
        first = layers[0]
        a = first.attrs
        image = graph.task == "image-to-image"
        kernel, stride = _text(a["kernel_size"]), _text(a["stride"])
        what = (f"{first.type} {first.name}" if len(layers) == 1 else
                f"{len(layers)} {first.type} layers made by this line ({first.name} and "
                f"{len(layers) - 1} more)")
        where = "the output image gets" if image else "the upsampled features get"
        before = sum(layer.params for layer in layers)
        after = sum(_resize_conv_params(layer) for layer in layers)
        padding = _arg(tuple(d * (kk - 1) // 2 for kk, d in zip(a["kernel_size"], a["dilation"])))
        multiple = _arg(tuple(math.ceil(kk / s) * s for kk, s in zip(a["kernel_size"], a["stride"])))
        return self.finding(
            graph, first,
            f"{what}: kernel {kernel} with stride {stride} overlaps unevenly, so {where} a "
            f"checkerboard pattern repeating every {stride} pixels",
            f"upsample then convolve: nn.Upsample(scale_factor={_arg(a['stride'])}, mode=\"nearest\") + "
            f"Conv{a['dims']}d({a['in_channels']}, {a['out_channels']}, kernel_size={_arg(a['kernel_size'])}, "
            f"padding={padding}) (same parameters); or a kernel divisible by the stride "
            f"(kernel_size={multiple}, stride={_arg(a['stride'])})",
            severity="warning" if image else "note",
            params_before=before, params_after=after, autofix=_autofix(graph, layers),
            covers=layers,
        )


def _uneven(kernel: int, stride: int, dilation: int) -> bool:
    """Whether the output positions, by their remainder modulo the stride, receive different
    numbers of kernel taps."""
    if stride <= 1:
        return False
    taps = [0] * stride
    for j in range(kernel):
        taps[(j * dilation) % stride] += 1
    return len(set(taps)) > 1


def _autofix(graph: ModelGraph, layers: list[Layer]) -> Autofix:
    """Kernel k → the next multiple of the stride s, keeping the output size
    (H−1)·s − 2·padding + k + output_padding: each added tap is paid back by output_padding
    (which must stay below s) or, two at a time, by padding."""
    layer = layers[0]
    a = layer.attrs
    blocked = unfixable(graph, layers, function=f"{layer.type} is a function call given its weight")
    if blocked:
        return blocked
    if any(d != 1 for d in a["dilation"]) or isinstance(a["padding"], str):
        return Autofix.none("the layer is dilated or padded by name")
    kernel, padding, extra = [], [], []
    for k, s, p, op in zip(a["kernel_size"], a["stride"], a["padding"], layer.module.output_padding):
        wider = math.ceil(k / s) * s - k
        fitting = next(((p + dp, op + 2 * dp - wider) for dp in range(wider + 1) if 0 <= op + 2 * dp - wider < s), None)
        if fitting is None:
            return Autofix.none("no padding keeps the output size")
        kernel.append(k + wider)
        padding.append(fitting[0])
        extra.append(fitting[1])
    call = Call.of(layer)
    changes = [SetArgument(call, "kernel_size", _arg(tuple(kernel)), "the kernel size")]
    if tuple(padding) != tuple(a["padding"]):
        changes.append(SetArgument(call, "padding", _arg(tuple(padding)), "the padding"))
    if tuple(extra) != tuple(layer.module.output_padding):
        changes.append(SetArgument(call, "output_padding", _arg(tuple(extra)), "the output padding"))
    widened = sum(count(on_meta(conv_class(x.attrs["dims"], transposed=True), x.attrs["in_channels"],
                                x.attrs["out_channels"], tuple(kernel), groups=x.attrs["groups"], bias=x.attrs["bias"]))
                  for x in layers)
    return Autofix.of(Applicability.UNSAFE, *changes, params_delta=widened - sum(x.params for x in layers))


def _resize_conv_params(layer: Layer) -> int:
    """Parameters of the convolution that replaces the transposed one after a resize."""
    a = layer.attrs
    return count(on_meta(conv_class(a["dims"]), a["in_channels"], a["out_channels"], a["kernel_size"],
                         dilation=a["dilation"], groups=a["groups"], bias=a["bias"]))


def _arg(values: tuple[int, ...]) -> str:
    """How the value is written as a constructor argument: ``3`` or ``(3, 5)``."""
    return str(values[0]) if len(set(values)) == 1 else str(tuple(values))


def _text(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "×".join(map(str, values))
