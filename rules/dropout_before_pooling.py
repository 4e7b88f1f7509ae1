from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator

from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._dataflow import activation_kind, creation_key


class DropoutBeforePooling(Rule):
    """Dropout whose output only a pooling layer reads.

    ## What it does
    Finds a dropout layer (``nn.Dropout``, ``nn.Dropout2d``, ``F.dropout``) whose every reader,
    following dataflow, is a pooling layer (max or average, fixed or adaptive), directly or
    through one activation that keeps a zero a zero (``Dropout → ReLU → MaxPool``), and whose
    output is not a model output. Layers created by the same line are reported once. The
    finding gives the elements the dropout masks against those it would mask after the pooling.

    ## Why is this bad?
    Pooling right after dropout undoes much of it and changes what it does: a max-pool picks
    the largest surviving value of each window, so a dropped unit is usually replaced by its
    neighbour and the regularization is far weaker than its rate says (and the kept values
    are scaled by ``1/(1-p)``, so the pooled statistics differ between training and inference);
    an average-pool blends the dropped zeros back into a scaled mean. Dropout placed after the
    pooling regularizes what the next layer actually reads, at a fraction of the cost (it
    masks the smaller, pooled tensor).

    ## Example
    ```python
    self.block = nn.Sequential(
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
        nn.Dropout(0.25),
        nn.MaxPool2d(2),
    )
    ```

    ## Use instead
    ```python
    self.block = nn.Sequential(
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Dropout(0.25),
    )
    ```

    ## References
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", TOSEM 2021 (NeuraLint's DropoutBeforePooling).
    - Wu & Gu, "Towards Dropout Training for Convolutional Neural Networks", Neural Networks 2015
      (max-pooling dropout: dropout before max-pooling samples the pooled activation, it does
      not drop it).
    """

    code = "NL204"
    name = "dropout-before-pooling"
    severity = "warning"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        by_site: dict[object, dict[str, tuple[Layer, Layer]]] = defaultdict(dict)
        for dropout in graph.of_op("dropout"):
            if dropout.attrs.get("p") == 0 or dropout.index in graph.outputs:
                continue
            readers = _through_zero_keeping(graph, graph.consumers(dropout))
            if readers and all(r.op in ("pool", "adaptive_pool") for r in readers):
                by_site[creation_key(dropout)].setdefault(dropout.name, (dropout, readers[0]))
        for pairs in by_site.values():
            yield self._finding(graph, list(pairs.values()))

    def _finding(self, graph: ModelGraph, pairs: list[tuple[Layer, Layer]]) -> Finding:
        dropout, pool = pairs[0]
        pooled = pool.name if pool.name == pool.type else f"{pool.type} {pool.name}"
        what = f"{dropout.type} {dropout.name} feeds only {pooled}" if len(pairs) == 1 else \
            f"{len(pairs)} dropout layers made by this line ({dropout.name} and {len(pairs) - 1} more) feed " \
            f"only pooling layers (first: {pooled})"
        sizes = ""
        if dropout.output_shape and pool.output_shape:
            before, after = math.prod(dropout.output_shape), math.prod(pool.output_shape)
            sizes = f"; it masks {before:,} elements where {after:,} " \
                    "would do after the pooling"
        kind = "max-pooling picks a surviving neighbour of each dropped unit" if "max" in pool.type.lower() \
            else "pooling averages the dropped zeros back into the scaled values"
        return self.finding(
            graph, dropout,
            f"{what}: {kind}, so the dropout regularizes much less than its rate says{sizes}",
            "move the dropout after the pooling layer",
            covers=[d for d, _ in pairs],
        )


# Activations that keep a zero a zero (f(0) = 0): a dropped unit stays dropped through them.
ZERO_KEEPING = {"relu", "leakyrelu", "relu6", "elu", "gelu", "silu", "tanh", "hardtanh", "mish", "prelu", "selu",
                "hardswish"}


def _through_zero_keeping(graph: ModelGraph, readers: list[Layer]) -> list[Layer]:
    """The readers, with a lone zero-keeping activation (``Dropout → ReLU → MaxPool``) replaced
    by its own readers."""
    if len(readers) == 1 and activation_kind(readers[0]) in ZERO_KEEPING and readers[0].index not in graph.outputs:
        return graph.consumers(readers[0])
    return readers
