from __future__ import annotations

from collections.abc import Iterator

from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._widths import plain_classifier, width_sequence


class ShrinkingFilters(Rule):
    """A plain classifier's convolutions whose filter counts only shrink.

    ## What it does
    In a plain classifier — one feed-forward stack of layers, no residual sums, concatenations
    or up-sampling, so never an encoder–decoder — takes its dense convolutions in the order
    they run and notes the first when there are at least three, their filter counts never
    grow, and the last has fewer than the first (``Conv2d(3, 128)`` → ``Conv2d(128, 64)`` →
    ``Conv2d(64, 32)``); with only two, when both have spatial kernels, the second has at most
    half the first's filters and a dense layer reads the features after them
    (``Conv2d(1, 32, 5)`` → ``Conv2d(32, 16, 3)`` → ``Linear``; a convolution to the class
    scores is a head). A heuristic: a note, not a warning.

    ## Why is this bad?
    A classifier's feature extractor turns many pixels into few, abstract features: as pooling
    or striding halves the resolution, the number of filters usually grows (doubles in VGG and
    ResNet) so that each stage keeps its capacity. Filters that shrink as the map shrinks
    squeeze the deepest, most abstract stage into the fewest channels — usually the widths
    written in the reverse order.

    ## Example
    ```python
    nn.Conv2d(3, 128, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(128, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(64, 32, 3), nn.ReLU(),
    ```

    ## Use instead
    ```python
    nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(64, 128, 3), nn.ReLU(),
    ```

    ## References
    - Nikanjam & Khomh, "Design Smells in Deep Learning Programs: An Empirical Study", ICSME
      2021 (non-expanding feature maps).
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", TOSEM 2021 (NeuraLint's NonIncreasingFilters).
    - Simonyan & Zisserman, ICLR 2015; He et al., "Deep Residual Learning", CVPR 2016 (widths
      double as the resolution halves).
    """

    code = "NL107"
    name = "shrinking-filters"
    severity = "note"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        if not plain_classifier(graph):
            return
        convs = [c for c in graph.of_op("conv") if c.attrs.get("groups") == 1 and "out_channels" in c.attrs]
        widths = [c.attrs["out_channels"] for c in convs]
        if len(convs) < 2 or any(b > a for a, b in zip(widths, widths[1:])) or widths[-1] >= widths[0]:
            return
        if len(convs) == 2 and not (2 * widths[1] <= widths[0] and all(_spatial(c) for c in convs)
                                    and any(d.index > convs[1].index for d in graph.of_op("linear"))):
            return  # two: a 1×1 projection or a last convolution to the class scores is a head
        yield self.finding(
            graph, convs[0],
            f"the classifier's {len(convs)} convolutions have {width_sequence(widths)} filters: they "
            "only shrink, so the deepest stage has the fewest",
            "let the filter counts grow as the resolution shrinks (e.g. double them at each pooling); "
            "the widths may be written in reverse order",
            covers=convs,
        )


def _spatial(conv: Layer) -> bool:
    return any(k > 1 for k in conv.attrs.get("kernel_size", (1,)))
