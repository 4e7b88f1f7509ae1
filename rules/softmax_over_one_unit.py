from __future__ import annotations

from collections.abc import Iterator

from netlint.graph import ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._dataflow import activation_kind
from netlint.rules._losses import model_end, pairings


class SoftmaxOverOneUnit(Rule):
    """Softmax over a single output unit: always 1.0, nothing is learned.

    ## What it does
    Reports a softmax that makes the model's output (module or function, possibly followed by
    reshapes, or applied to the output by the training code) over a dimension of size 1:
    ``nn.Linear(64, 1)`` followed by ``nn.Softmax(dim=1)`` or ``F.softmax(out, dim=-1)``.
    Also reports ``nn.CrossEntropyLoss`` on one logit per sample, which applies that softmax
    itself. A softmax inside the network (attention over one key at the example input's size)
    is not judged: its size depends on the input.

    ## Why is this bad?
    The softmax of one number is ``exp(z) / exp(z) = 1``. The output is constant whatever the
    input, its gradient is zero, and a binary classifier built this way predicts the positive
    class for every sample (the loss stays where it started). It is the usual translation of a
    binary classifier from "softmax for classes" when one unit was meant to be a probability
    (NeuraLint's BinWrongLastLayerActivation).

    ## Example
    ```python
    self.out = nn.Sequential(nn.Linear(64, 1), nn.Softmax(dim=1))
    ```

    ## Use instead
    ```python
    self.out = nn.Linear(64, 1)      # logits, trained with nn.BCEWithLogitsLoss
    # (or nn.Sigmoid() with nn.BCELoss; or two units with softmax and CrossEntropyLoss)
    ```

    ## References
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", ACM TOSEM 31(1), 2021 (BinWrongLastLayerActivation).
    - PyTorch documentation, ``torch.nn.Softmax`` ("rescales them so that the elements of the
      n-dimensional output Tensor lie in the range [0,1] and sum to 1").
    """

    code = "NL309"
    name = "softmax-over-one-unit"
    severity = "error"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        ends = {model_end(graph, graph.layers[index]) for index in graph.outputs}
        losses = {p.activation.name: p for p in pairings(graph) if p.in_model}
        for layer in sorted((x for x in ends if x is not None), key=lambda x: x.index):
            if activation_kind(layer) not in ("softmax", "logsoftmax") or layer.output_shape is None:
                continue
            size = _softmax_size(layer)
            if size == 1:
                trained = f" ({losses[layer.name].where()} trains on that constant)" if layer.name in losses else ""
                yield self.finding(
                    graph, layer,
                    f"{layer.label} normalizes over a dimension of size 1 ({'×'.join(map(str, layer.output_shape))}): "
                    f"its output is always 1.0 (0.0 for log_softmax), whatever the input: nothing is learned{trained}",
                    "for one unit use a sigmoid (or logits with BCEWithLogitsLoss); for classes, give the layer "
                    "one output per class")
        for pairing in pairings(graph):
            if pairing.loss == "CrossEntropyLoss" and pairing.last is None and pairing.shape is not None \
                    and len(pairing.shape) == 2 and pairing.units == 1:
                yield self.finding(
                    graph, pairing.output,
                    f"{pairing.output.label} gives one logit per sample to {pairing.where()}, whose log_softmax over "
                    "a single class is always 0: the loss is 0 from the first step and nothing is learned",
                    "for a binary label train the one logit with BCEWithLogitsLoss; for classes, give the layer one "
                    "output per class")
            if "softmax" in pairing.applied and pairing.shape is not None and len(pairing.shape) == 2 \
                    and pairing.shape[1] == 1:
                yield self.finding(
                    graph, pairing.output.name,
                    f"the training code applies softmax to the model's one output unit before {pairing.where()}: "
                    "the result is always 1.0 and nothing is learned",
                    "use torch.sigmoid for one unit (or BCEWithLogitsLoss on the logits)", site=pairing.loss_site)


def _softmax_size(layer) -> int | None:
    """The size of the dimension the softmax normalizes over: the module's ``dim`` (or the
    implicit choice), and for a function, the one unit of an (N, 1) output."""
    shape = layer.output_shape
    dim = getattr(layer.module, "dim", None) if layer.module is not None else None
    if layer.module is not None:
        if dim is None:
            dim = 0 if len(shape) in (0, 1, 3) else 1  # torch's legacy implicit dim
        return shape[dim] if -len(shape) <= dim < len(shape) else None
    if len(shape) == 2 and shape[1] == 1:
        return 1
    return None
