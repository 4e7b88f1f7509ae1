from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._counting import conv_class, count, on_meta
from netlint.rules._dataflow import creation_key


class EvenKernel(Rule):
    """Even-sized convolution kernel that shifts the feature map by half a pixel.

    ## What it does
    Finds convolutions and transposed convolutions (module or functional) with an even
    kernel extent (``dilation·(k−1)+1``) along a dimension whose stride is odd — in practice,
    2×2 or 4×4 kernels with stride 1. Layers created by the same line are reported once.

    A dimension along which the input or the output has a single position (a 1×1 latent
    vector upsampled by DCGAN's first layer, a 4×4 map reduced to one score by its
    discriminator's last) has no grid to shift and is not reported.

    Strided down- and upsampling with an even kernel and an even stride stays quiet: with
    stride ``s``, kernel ``k`` and padding ``p``, each output's window is centred
    ``(k − s)/2 − p`` pixels from the centre of the s×s block of input it summarizes, a whole
    number when ``k`` and ``s`` are both even. DCGAN's and PatchGAN's kernel-4, stride-2,
    padding-1 layers (offset 0) and patchify stems (``k = s``) are aligned; PatchGAN's last two
    kernel-4, *stride-1* layers are not, and are reported.

    ## Why is this bad?
    An even kernel has no centre pixel. With stride 1 and symmetric padding ``p`` each output
    is centred half a pixel away from the input pixel it replaces (and the map grows or
    shrinks by one pixel, since ``2p = k − 1`` is impossible); ``padding="same"`` keeps the
    size by padding one side more, which shifts the same way. Every such layer moves the
    features half a pixel in the same direction; stacked, they drift towards a corner, the
    border on the other side is eroded, and outputs that must be aligned with the input
    (segmentation, detection, image-to-image) are misplaced. Wu et al. measure this
    "information erosion" and show even kernels only work well with a symmetric padding scheme.

    ## Example
    ```python
    self.conv = nn.Conv2d(64, 64, kernel_size=2, padding="same")
    ```

    ## Use instead
    ```python
    self.conv = nn.Conv2d(64, 64, kernel_size=3, padding=1)
    ```
    or keep the 2×2 kernel and shift-compensate by padding each quarter of the channels
    towards a different corner (Wu et al.'s symmetric padding).

    ## References
    - Wu et al., "Convolution with even-sized kernels and symmetric padding", NeurIPS 2019.
    - Radford, Metz & Chintala, "Unsupervised Representation Learning with Deep Convolutional
      Generative Adversarial Networks" (DCGAN), ICLR 2016 (kernel-4, stride-2 layers).
    - Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks"
      (pix2pix, PatchGAN), CVPR 2017.
    """

    code = "NL402"
    name = "even-kernel"
    severity = "note"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        by_site: dict[object, dict[str, Layer]] = defaultdict(dict)
        for layer in graph.of_op("conv", "conv_transpose"):
            a = layer.attrs
            if "kernel_size" in a and any(_shifts(k, s, d) and _has_layout(layer, i) for i, (k, s, d) in
                                          enumerate(zip(a["kernel_size"], a["stride"], a["dilation"]))):
                by_site[creation_key(layer)].setdefault(layer.name, layer)
        for layers in by_site.values():
            yield self._finding(graph, list(layers.values()))

    def _finding(self, graph: ModelGraph, layers: list[Layer]) -> Finding:
        layer = layers[0]
        a = layer.attrs
        kernel = "×".join(map(str, a["kernel_size"]))
        stride = "×".join(map(str, a["stride"]))
        padding = f'padding="{a["padding"]}"' if isinstance(a["padding"], str) else \
            f"padding {'×'.join(map(str, a['padding']))}"
        what = (f"{layer.type} {layer.name}" if len(layers) == 1 else
                f"{len(layers)} {layer.type} layers made by this line ({layer.name} and "
                f"{len(layers) - 1} more)")
        odd = [_odd_kernel(k, s, d, p) if _has_layout(layer, i) else (k, p) for i, (k, s, d, p) in
               enumerate(zip(a["kernel_size"], a["stride"], a["dilation"], _padding(a)))]
        new_kernel, new_padding = tuple(k for k, _ in odd), tuple(p for _, p in odd)
        before = sum(x.params for x in layers)
        after = sum(_params(x, new_kernel, new_padding) for x in layers)
        return self.finding(
            graph, layer,
            f"{what}: even kernel {kernel} with stride {stride} and {padding} centres each output "
            "half a pixel off its input; stacked, such layers drift features towards a corner",
            f"use an odd kernel: kernel_size={_arg(new_kernel)}, padding={_arg(new_padding)} (keeps "
            "the size at stride 1); or keep the even kernel with Wu et al.'s symmetric padding "
            "(each quarter of the channels padded towards a different corner); ignore it if the "
            "shift is intended (a causal convolution)",
            params_before=before, params_after=after,
            covers=layers,
        )


def _has_layout(layer: Layer, dim: int) -> bool:
    """Whether both the input and the output have more than one position along the spatial
    dimension (a 1×1 latent has no grid to be shifted against; nor has a single score)."""
    dims = layer.attrs["dims"]
    shapes = [layer.input_shapes[0] if layer.input_shapes else None, layer.output_shape]
    return all(s is None or len(s) < dims or s[len(s) - dims + dim] > 1 for s in shapes)


def _extent(kernel: int, dilation: int) -> int:
    return dilation * (kernel - 1) + 1


def _shifts(kernel: int, stride: int, dilation: int) -> bool:
    """Whether each output's window is centred a half-integer away from the centre of the
    block of input it stands for: ``(extent − stride)/2 − padding`` is not a whole number."""
    extent = _extent(kernel, dilation)
    return extent % 2 == 0 and (extent - stride) % 2 == 1


def _odd_kernel(kernel: int, stride: int, dilation: int, padding: int) -> tuple[int, int]:
    """The next odd kernel and the padding that centres it, for a shifting dimension; the
    kernel and padding as they are for the others."""
    if not _shifts(kernel, stride, dilation):
        return kernel, padding
    odd = kernel + 1
    return odd, (_extent(odd, dilation) - stride) // 2


def _padding(a: dict) -> tuple[int, ...]:
    """The padding on the left of each dimension (PyTorch's "same" puts the extra on the right)."""
    if a["padding"] == "same":
        return tuple((_extent(k, d) - 1) // 2 for k, d in zip(a["kernel_size"], a["dilation"]))
    if a["padding"] == "valid":
        return (0,) * a["dims"]
    return tuple(a["padding"])


def _params(layer: Layer, kernel: tuple[int, ...], padding: tuple[int, ...]) -> int:
    a = layer.attrs
    return count(on_meta(conv_class(a["dims"], transposed=layer.op == "conv_transpose"),
                         a["in_channels"], a["out_channels"], kernel, stride=a["stride"],
                         padding=padding, dilation=a["dilation"], groups=a["groups"], bias=a["bias"]))


def _arg(values: tuple) -> str:
    return str(values[0]) if len(set(values)) == 1 else str(tuple(values))
