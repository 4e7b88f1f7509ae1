from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._counting import conv_class, count, on_meta
from netlint.rules._dataflow import creation_key, only_reader

# Between the two convolutions: ops that change no value or only scale each one.
class ConvPairWithoutNonlinearity(Rule):
    """Two spatial convolutions of one block with nothing nonlinear between them.

    ## What it does
    Finds a dense convolution (``groups=1``) whose output goes, following dataflow and through
    nothing but identity and dropout layers, only into another dense convolution of the same
    dimension and the same module (siblings in an ``nn.Sequential``, or two layers of one
    module's forward), when both kernels are larger than 1 (1×1 convolutions are projections;
    NL103 judges two of them). A stem or a block's last convolution feeding the next block's
    first is a design boundary (EDSR's head, an encoder's stem) and is not reported. The finding
    compares both layers' parameters with the one convolution they
    compose into (kernel ``k₁ + k₂ − 1``, strides multiplied). A pair of one-dimensional kernels
    that factorizes a large square one (``k×1`` then ``1×k``, Global Convolutional Network
    style) is a note, as the factorization is usually on purpose. Depthwise/pointwise pairs
    (NL101), a convolution that feeds a norm or an activation, and attention projections are
    not reported. The same pair with only pooling layers between them (``conv → max-pool →
    conv``, a plain CNN whose activations were forgotten) is reported too, without the merged
    kernel.

    ## Why is this bad?
    A convolution of a convolution is one convolution: without an activation (or a norm,
    which is nonlinear while training, or a residual sum) between them, two 3×3 layers compute
    a rank-limited 5×5 convolution. Stacking small kernels pays off (VGG) because each adds a
    nonlinearity; without it, the second layer adds parameters, compute and depth to train
    through, and no expressive power. It is almost always a forgotten ``nn.ReLU``. An average
    pooling between them is linear too; a max pooling is the only nonlinearity left, a weak one
    that the network's design did not mean.

    ## Example
    ```python
    self.features = nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
    )
    ```

    ## Use instead
    ```python
    self.features = nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
    )
    ```

    ## References
    - Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
      Recognition", ICLR 2015, §2.3 (a stack of 3×3 layers is worth it for the non-linear
      rectification between them).
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", TOSEM 2021 (NeuraLint's MissingRelus).
    - Peng et al., "Large Kernel Matters", CVPR 2017 (``k×1`` + ``1×k`` factorized on purpose).
    """

    code = "NL106"
    name = "conv-pair-without-nonlinearity"
    severity = "warning"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        groups: dict[object, dict[str, tuple[Layer, Layer]]] = defaultdict(dict)
        for first in graph.of_op("conv"):
            if not _dense(first):
                continue
            second = only_reader(graph, first)
            pools = []
            while second is not None and second.op == "pool":
                pools.append(second)
                second = only_reader(graph, second)
            if second is None or second.op != "conv" or not _dense(second) or second.attrs["dims"] != first.attrs["dims"]:
                continue
            if not (_spatial(first) and _spatial(second)) or _parent(first) != _parent(second):
                continue  # a 1×1 projection (NL103 judges two); a stem, or a block's last layer and the next block
            if pools:
                yield self._through_pooling(graph, first, pools, second)
                continue
            groups[creation_key(first)].setdefault(first.name, (first, second))
        for pairs in groups.values():
            yield self._finding(graph, list(pairs.values()))

    def _through_pooling(self, graph: ModelGraph, first: Layer, pools: list[Layer], second: Layer) -> Finding:
        between = ", ".join(pool.name if pool.name == pool.type else f"{pool.type} {pool.name}" for pool in pools)
        return self.finding(
            graph, first,
            f"{first.type} {first.name} feeds {second.type} {second.name} through {between} only: no activation "
            "between them, so pooling is the only nonlinearity of the pair (none at all for an average)",
            "add the activation that was meant (nn.ReLU) after the first convolution", covers=[first, *pools, second])

    def _finding(self, graph: ModelGraph, pairs: list[tuple[Layer, Layer]]) -> Finding:
        first, second = pairs[0]
        before = sum(a.params + b.params for a, b in pairs)
        after = sum(_merged_params(a, b) for a, b in pairs)
        pair = f"{first.type} {first.name} feeds {second.type} {second.name} with no nonlinearity between them"
        if len(pairs) > 1:
            pair = f"{len(pairs)} such pairs start at this line (first: {pair})"
        kernel = "×".join(map(str, _merged_kernel(first, second)))
        factorized = _factorized(first, second)
        return self.finding(
            graph, first,
            f"{pair}: together they are one {kernel} convolution ({after:,} parameters against their {before:,})"
            + (", factorized into two one-dimensional kernels" if factorized else
               "; the second adds depth and compute but no expressive power"),
            "if the factorization is deliberate, keep it; otherwise add the activation that was meant between them"
            if factorized else "add the activation that was meant (nn.ReLU) between the two convolutions",
            severity="note" if factorized else None, params_before=before, params_after=after,
            covers=[x for pair_ in pairs for x in pair_],
        )


def _dense(layer: Layer) -> bool:
    a = layer.attrs
    return "kernel_size" in a and a.get("groups") == 1 and "dims" in a


def _spatial(layer: Layer) -> bool:
    return any(k > 1 for k in layer.attrs["kernel_size"])


def _parent(layer: Layer) -> str:
    """The module that holds the layer (a functional op: the module whose forward calls it)."""
    return layer.scope if layer.module is None else layer.name.rpartition(".")[0]



def _extent(layer: Layer) -> tuple[int, ...]:
    a = layer.attrs
    dilation = a.get("dilation") or (1,) * a["dims"]
    return tuple(d * (k - 1) + 1 for k, d in zip(a["kernel_size"], dilation))


def _merged_kernel(first: Layer, second: Layer) -> tuple[int, ...]:
    stride = first.attrs.get("stride") or (1,) * first.attrs["dims"]
    return tuple(e1 + s * (e2 - 1) for e1, e2, s in zip(_extent(first), _extent(second), stride))


def _factorized(first: Layer, second: Layer) -> bool:
    """``k×1`` then ``1×k`` (or the other way): each kernel long in a different dimension."""
    long_first = [k > 1 for k in first.attrs["kernel_size"]]
    long_second = [k > 1 for k in second.attrs["kernel_size"]]
    return sum(long_first) == 1 and sum(long_second) == 1 and long_first != long_second


def _merged_params(first: Layer, second: Layer) -> int:
    dims = first.attrs["dims"]
    bias = bool(first.attrs.get("bias")) or bool(second.attrs.get("bias"))
    return count(on_meta(conv_class(dims), first.attrs["in_channels"], second.attrs["out_channels"],
                         _merged_kernel(first, second), bias=bias))
