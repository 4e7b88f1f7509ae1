from __future__ import annotations

from collections.abc import Iterator

from netlint.graph import ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._widths import plain_classifier, width_sequence


class WideningDenseLayers(Rule):
    """A plain classifier's hidden linear layers that widen toward the output.

    ## What it does
    In a plain classifier (one feed-forward stack, no residual sums, concatenations or
    up-sampling) with at least three ``Linear`` layers, notes the first hidden ``Linear``
    (every one but the last) that feeds a hidden ``Linear`` at least twice as wide:
    ``Linear(784, 64)`` → ``Linear(64, 256)`` → ``Linear(256, 10)``. A heuristic: a note.

    ## Why is this bad?
    A classifier's dense layers distil features toward a few classes, so their widths usually
    shrink (a funnel). A narrow layer followed by a wider one is a bottleneck the wider layer
    cannot undo: it only adds parameters over a representation already reduced to the narrow
    width. It is usually widths written in the wrong order.

    ## Example
    ```python
    nn.Linear(784, 64), nn.ReLU(),
    nn.Linear(64, 256), nn.ReLU(),
    nn.Linear(256, 10),
    ```

    ## Use instead
    ```python
    nn.Linear(784, 256), nn.ReLU(),
    nn.Linear(256, 64), nn.ReLU(),
    nn.Linear(64, 10),
    ```

    ## References
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", TOSEM 2021 (NeuraLint's IncreasingDenseWidths).
    - Nikanjam & Khomh, "Design Smells in Deep Learning Programs: An Empirical Study", ICSME 2021.
    """

    code = "NL108"
    name = "widening-dense-layers"
    severity = "note"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        if not plain_classifier(graph):
            return
        linears = [x for x in graph.of_op("linear") if "out_features" in x.attrs]
        hidden = linears[:-1]
        if len(linears) < 3:
            return
        for narrow, wide in zip(hidden, hidden[1:]):
            if wide.attrs["out_features"] >= 2 * narrow.attrs["out_features"]:  # a unit or two more is no design
                widths = width_sequence([x.attrs["out_features"] for x in linears])
                yield self.finding(
                    graph, narrow,
                    f"{narrow.type} {narrow.name} ({narrow.attrs['out_features']} units) feeds the wider "
                    f"{wide.type} {wide.name} ({wide.attrs['out_features']} units): the classifier's dense widths "
                    f"are {widths}, a bottleneck the wider layer cannot undo",
                    "let the hidden widths shrink toward the output (the widths may be written in reverse order)",
                    covers=[narrow, wide],
                )
                return
