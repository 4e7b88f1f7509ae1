from __future__ import annotations

from collections.abc import Iterator

from netlint.graph import ModelGraph
from netlint.rule import Finding, Rule


class WideLinear(Rule):
    """A Linear layer with more than a million weights.

    ## What it does
    Finds ``nn.Linear`` layers (and ``F.linear`` calls) that own more than a million
    parameters. Off by default: select it with ``--select EXA101``.

    ## Why is this bad?
    One dense layer of that size often holds most of a model's parameters, as the
    classifier of VGG does, while adding little accuracy.

    ## Example
    ```python
    self.fc = nn.Linear(25088, 4096)
    ```

    ## Use instead
    ```python
    self.pool = nn.AdaptiveAvgPool2d(1)
    self.fc = nn.Linear(512, 4096)
    ```

    ## References
    - Lin, Chen & Yan, "Network In Network", ICLR 2014 (global average pooling).
    """

    code = "EXA101"
    name = "wide-linear"
    severity = "note"
    enabled_by_default = False
    needs = frozenset({"modules"})
    limit = 1_000_000

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        for layer in graph.of_op("linear"):
            if layer.params > self.limit:
                yield self.finding(graph, layer, f"{layer.type} {layer.name} has {layer.params:,} parameters",
                                   "pool the features before the dense layer")
