from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from torch import nn

from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._counting import conv_class, count, on_meta
from netlint.rules._dataflow import creation_key, only_reader

# Between the two maps: ops that change no value (identity) or only scale each value
# (dropout, the identity at inference) keep the composition linear.
class LinearCollapse(Rule):
    """Two linear layers with nothing nonlinear between them.

    ## What it does
    Finds a ``Linear`` (or ``F.linear``) whose output goes, following dataflow and through
    nothing but identity and dropout layers, into another ``Linear``; and a 1×1 convolution
    whose output goes the same way into another 1×1 convolution (both ``groups=1``, the second
    without padding). The first must feed nothing else, and modules whose parameters are all
    frozen (a fixed mean shift) are left alone. The finding compares both layers' parameters
    with the one layer they compose into. When that merged layer would be *larger* — the pair
    is a low-rank bottleneck, narrower in the middle than about ``in·out / (in + out)`` — the
    finding is a note that says so, since the factorization may be deliberate.
    Depthwise-then-pointwise pairs are NL101's concern and are not reported.

    ## Why is this bad?
    A linear map of a linear map is one linear map: ``W₂(W₁x + b₁) + b₂ = (W₂W₁)x + (W₂b₁ + b₂)``,
    and a 1×1 convolution, a linear layer applied at every position, is no different. Without an
    activation, normalization or residual connection between them the pair adds no
    expressive power, only parameters and compute. It is
    almost always a forgotten activation (``nn.Sequential(nn.Linear(512, 256),
    nn.Linear(256, 10))``). When the middle is narrow the pair is a rank-limited map with fewer
    parameters than the merged layer, which can be intended (low-rank factorization, LoRA-style
    adapters) — then the note only asks to confirm the missing nonlinearity is on purpose.

    ## Example
    ```python
    self.head = nn.Sequential(
        nn.Linear(512, 256),
        nn.Dropout(0.5),
        nn.Linear(256, 10),
    )
    ```

    ## Use instead
    ```python
    self.head = nn.Sequential(
        nn.Linear(512, 256),
        nn.ReLU(inplace=True),  # the nonlinearity that was meant
        nn.Dropout(0.5),
        nn.Linear(256, 10),
    )
    ```
    or one ``nn.Linear(512, 10)`` when a linear head is what was meant.

    ## References
    - Goodfellow, Bengio & Courville, *Deep Learning*, MIT Press 2016, §6.1 (a composition
      of linear functions is linear; why hidden layers need a nonlinearity).
    - Lin, Chen & Yan, "Network In Network", ICLR 2014 (1×1 convolutions as per-position
      linear layers, each followed by a nonlinearity).
    - Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models", ICLR 2022 (a
      deliberate product of two linear maps with a narrow middle).
    """

    code = "NL103"
    name = "linear-collapse"
    severity = "warning"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        groups: dict[tuple[object, bool], dict[str, tuple[Layer, Layer, int, int]]] = defaultdict(dict)
        for first in graph.of_op("linear", "conv"):
            if not _first_of_pair(first) or _frozen(first):
                continue
            second = only_reader(graph, first)
            if second is None or not _composes(first, second) or _frozen(second):
                continue
            merged = _merged_params(first, second)
            before = first.params + second.params
            groups[(creation_key(first), merged > before)].setdefault(first.name, (first, second, before, merged))
        for (_, bottleneck), pairs in groups.items():
            yield self._finding(graph, list(pairs.values()), bottleneck)

    def _finding(self, graph: ModelGraph, pairs: list[tuple[Layer, Layer, int, int]], bottleneck: bool) -> Finding:
        first, second, _, _ = pairs[0]
        before, after = sum(p[2] for p in pairs), sum(p[3] for p in pairs)
        pair = f"{first.type} {first.name} feeds {second.type} {second.name} with no nonlinearity between them"
        if len(pairs) > 1:
            pair = f"{len(pairs)} such pairs start at this line (first: {pair})"
        merged = _merged_text(first, second)
        if bottleneck:
            middle = _out(first)
            return self.finding(
                graph, first,
                f"{pair}: together they are one linear map of rank at most {middle}; one {merged} "
                f"would hold {after:,} parameters against their {before:,}, so this is a low-rank "
                "bottleneck",
                "if the factorization is deliberate, keep it; otherwise add the activation that was "
                "meant between the two layers",
                severity="note", params_before=before, params_after=after,
                covers=[first, second],
            )
        return self.finding(
            graph, first,
            f"{pair}: they compose into one {merged} with {after:,} parameters instead of {before:,}",
            f"add the activation that was meant between the two layers, or replace both by one {merged}",
            params_before=before, params_after=after,
            covers=[first, second],
        )


def _first_of_pair(layer: Layer) -> bool:
    a = layer.attrs
    if layer.op == "linear":
        return "in_features" in a and layer.type != "Bilinear"
    return "kernel_size" in a and a.get("groups") == 1 and all(k == 1 for k in a["kernel_size"])


def _composes(first: Layer, second: Layer) -> bool:
    """Whether ``second`` applied to ``first``'s output is one layer of ``first``'s kind."""
    a, b = first.attrs, second.attrs
    if first.op == "linear":
        return second.op == "linear" and "in_features" in b and second.type != "Bilinear"
    return (second.op == "conv" and "kernel_size" in b and b["dims"] == a["dims"]
            and b.get("groups") == 1 and all(k == 1 for k in b["kernel_size"])
            and b["padding"] in ("valid", (0,) * b["dims"])
            and (b["stride"] == (1,) * b["dims"] or a["padding"] != "same"))  # "same" needs stride 1



def _frozen(layer: Layer) -> bool:
    """A module whose parameters are all frozen (e.g. a fixed mean shift): not a layer to merge."""
    if layer.module is None:
        return False
    parameters = list(layer.module.parameters())
    return bool(parameters) and not any(p.requires_grad for p in parameters)


def _out(layer: Layer) -> int:
    return layer.attrs.get("out_features", layer.attrs.get("out_channels"))


def _merged_args(first: Layer, second: Layer) -> dict:
    a, b = first.attrs, second.attrs
    if first.op == "linear":
        return {"in": a["in_features"], "out": b["out_features"], "bias": a["bias"] or b["bias"]}
    return {"in": a["in_channels"], "out": b["out_channels"], "kernel_size": a["kernel_size"],
            "stride": tuple(x * y for x, y in zip(a["stride"], b["stride"])),
            "padding": a["padding"], "dilation": a["dilation"], "bias": a["bias"] or b["bias"],
            "dims": a["dims"]}


def _merged_params(first: Layer, second: Layer) -> int:
    m = _merged_args(first, second)
    if first.op == "linear":
        return count(on_meta(nn.Linear, m["in"], m["out"], bias=m["bias"]))
    return count(on_meta(conv_class(m["dims"]), m["in"], m["out"], m["kernel_size"], stride=m["stride"],
                         padding=m["padding"], dilation=m["dilation"], bias=m["bias"]))


def _merged_text(first: Layer, second: Layer) -> str:
    m = _merged_args(first, second)
    bias = "" if m["bias"] else ", bias=False"
    if first.op == "linear":
        return f"Linear({m['in']}, {m['out']}{bias})"
    kernel = m["kernel_size"]
    kernel = kernel[0] if len(set(kernel)) == 1 else kernel
    stride = m["stride"]
    stride = "" if set(stride) == {1} else f", stride={stride[0] if len(set(stride)) == 1 else stride}"
    return f"Conv{m['dims']}d({m['in']}, {m['out']}, kernel_size={kernel}{stride}{bias})"
