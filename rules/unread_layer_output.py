from __future__ import annotations

from collections.abc import Iterator

from netlint.graph import ModelGraph
from netlint.rule import Finding, Rule

# Layers that only compute their output: when nothing reads it, the call does nothing.
_COMPUTING = ("conv", "conv_transpose", "linear", "pool", "adaptive_pool")


class UnreadLayerOutput(Rule):
    """A layer the forward calls whose output nothing reads.

    ## What it does
    Follows the forward's dataflow and finds a convolution, linear or pooling layer (module or
    function) that is called but whose output no later operation reads and the model does not
    return: ``pool1 = self.pool(conv1)`` followed by ``conv2 = self.conv2(conv1)``. Layers with
    side effects (in-place activations, normalizations that update running statistics) are
    not judged.

    ## Why is this bad?
    The call costs its compute and nothing comes of it, and it is nearly always a wrong
    variable name: the next layer reads the tensor *before* the pooling (or the convolution),
    so the network the code describes is not the one that trains. A pooling skipped this way
    leaves the following layers at full resolution (a dense layer after it grows by the
    pooling's factor), a convolution skipped this way silently removes a layer from the
    network (NeuraLint's DisconnectedPooling).

    ## Example
    ```python
    def forward(self, x):
        c1 = F.relu(self.conv1(x))
        p1 = self.pool1(c1)
        c2 = F.relu(self.conv2(c1))   # reads c1: pool1 is computed for nothing
    ```

    ## Use instead
    ```python
    def forward(self, x):
        c1 = F.relu(self.conv1(x))
        p1 = self.pool1(c1)
        c2 = F.relu(self.conv2(p1))
    ```

    ## References
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", ACM TOSEM 31(1), 2021 (NeuraLint's DisconnectedPooling).
    - PyTorch documentation, ``torch.fx`` (a node with no users is dead code).
    """

    code = "NL315"
    name = "unread-layer-output"
    severity = "warning"
    needs = frozenset({"dataflow"})

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        outputs = set(graph.outputs)
        for layer in graph.of_op(*_COMPUTING):
            if layer.index in outputs or graph.consumers(layer) or layer.output_shape is None:
                continue
            yield self.finding(
                graph, layer,
                f"{layer.label} is computed but nothing reads its output and the model does not return it: "
                "the call does nothing, and the layers after it read another tensor",
                "pass its output to the layer that was meant to read it, or remove the call")
