from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._dataflow import activation_kind, creation_key, tensor_producers
from netlint.rules._fixes import removal
from netlint.rules._guessed import guessed_note
from netlint.rules._losses import SHOWN, pairings

# Activations whose output is never negative, and those whose output stays within [0, 1].
_NON_NEGATIVE = {"relu", "relu6", "sigmoid", "softmax", "hardsigmoid", "softplus"}
_AT_MOST_SIX = {"relu6", "sigmoid", "softmax", "hardsigmoid"}
# Activations that leave every non-negative value unchanged (for ReLU6: every value in [0, 6]).
_IDENTITY_ON_NON_NEGATIVE = {"relu", "leakyrelu", "prelu", "rrelu", "elu", "celu"}
# Activations that keep positive values and map negative ones to negative ones (with a fixed
# positive slope or ELU's curve): a ReLU after them zeroes all they add to a ReLU.
_UNDONE_BY_RELU = {"leakyrelu", "rrelu", "elu", "celu"}
# Smooth activations whose negative part is a small dip: a ReLU after them only clips it.
_SMALL_DIP = {"gelu", "silu", "mish"}
# Between the two: layers that pass values on unchanged or only rescale each by a positive
# factor (dropout); pooling keeps values within the range of its inputs.
_VALUE_PRESERVING = ("identity", "reshape", "dropout")
_NAMES = {"relu": "ReLU", "relu6": "ReLU6", "leakyrelu": "LeakyReLU", "prelu": "PReLU", "rrelu": "RReLU",
          "elu": "ELU", "celu": "CELU", "gelu": "GELU", "silu": "SiLU", "mish": "Mish", "sigmoid": "Sigmoid",
          "softmax": "Softmax", "hardsigmoid": "Hardsigmoid", "softplus": "Softplus"}
_RANGE_PRESERVING = ("identity", "reshape", "pool", "adaptive_pool")


class RedundantActivation(Rule):
    """An activation applied to the output of another that already makes it a no-op.

    ## What it does
    Finds an activation applied, following dataflow (directly, or through reshapes, identity,
    dropout or pooling layers), to the output of another activation when the pair does no more
    than one of them:

    - the second cannot change the first's output: ReLU, LeakyReLU, PReLU, ELU or CELU after an
      activation that is never negative (ReLU, ReLU6, Sigmoid, Softmax, Hardsigmoid,
      Softplus); ReLU6 after one that stays within [0, 6] (ReLU6, Sigmoid, Softmax,
      Hardsigmoid) — the second is reported;
    - the second undoes the first: ReLU or ReLU6 after LeakyReLU, RReLU, ELU or CELU, which
      differ from a ReLU only on negative inputs, the very values the ReLU then zeroes — the
      pair is one ReLU, and the first is reported (when nothing else reads its output);
    - nearly so: ReLU after GELU, SiLU or Mish only clips their small negative dip — the ReLU
      is reported.

    Layers created by the same line are reported once. Also reports a model whose output is a
    softmax (or a sigmoid) when its training code applies the same function again before the
    loss (NeuraLint's RedundantActivation).

    ## Why is this bad?
    The redundant activation costs a kernel launch and a full read and write of the feature
    map, and usually hides a mistake: an activation added in both a block and the code that
    calls it, an ``nn.Sequential`` that ends in ReLU followed by a ``F.relu`` in ``forward``,
    a leaky or smooth activation chosen on purpose and then silently turned back into a ReLU.

    ## Example
    ```python
    def forward(self, x):
        x = self.block(x)          # nn.Sequential(conv, bn, nn.ReLU())
        return F.relu(x)           # ReLU after ReLU: does nothing
    ```

    ## Use instead
    ```python
    def forward(self, x):
        return self.block(x)
    ```

    ## Fix
    Removes the reported activation: a module's constructor becomes ``nn.Identity()`` (the
    other modules of an ``nn.Sequential`` keep their indices and state_dict keys), a function
    applied in ``forward`` is replaced by its input (``return F.relu(x)`` → ``return x``).
    Safe for a no-op or an undone pair when that module object is applied once; unsafe when it
    is applied elsewhere too, and for a ReLU after GELU, SiLU or Mish (it clips their dip).

    ## References
    - Nair & Hinton, "Rectified Linear Units Improve Restricted Boltzmann Machines", ICML
      2010 (the rectified linear unit).
    - Maas, Hannun & Ng, "Rectifier Nonlinearities Improve Neural Network Acoustic Models",
      ICML 2013 (the leaky rectifier, whose negative slope a following ReLU removes).
    - Hendrycks & Gimpel, "Gaussian Error Linear Units (GELUs)", 2016.
    """

    code = "NL302"
    name = "redundant-activation"
    severity = "warning"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        found: dict[object, dict[str, tuple[Layer, Layer, Layer, str]]] = defaultdict(dict)
        for second in graph.of_op("activation"):
            pair = _pair(graph, second)
            if pair is None:
                continue
            first, between = pair
            case = _case(activation_kind(first), activation_kind(second), between)
            if case == "undone" and len(graph.consumers(first)) != 1:
                continue  # the first activation's output is needed elsewhere too
            if case is not None:
                reported = first if case == "undone" else second
                found[creation_key(reported)].setdefault(reported.name, (reported, first, second, case))
        for items in found.values():
            yield self._finding(graph, list(items.values()))
        for pairing in pairings(graph):
            kind = activation_kind(pairing.activation) if pairing.activation is not None else None
            if kind in ("softmax", "sigmoid") and pairing.applied[:1] == (kind,):
                use = pairing.uses[0]
                yield self.finding(
                    graph, pairing.activation,
                    f"{_NAMES[kind]} {pairing.activation.name} makes the model's output, and the training code "
                    f"applies {SHOWN[kind]} to it again at {use.where} before {use.loss}: the second squashes "
                    "values already in (0, 1) into a narrow band, so the loss sees nearly the same number for "
                    "every class",
                    f"apply {SHOWN[kind]} once: in the model or in the training code")

    def _finding(self, graph: ModelGraph, items: list[tuple[Layer, Layer, Layer, str]]) -> Finding:
        reported, first, second, case = items[0]
        more = f" ({len(items)} such pairs made by this line)" if len(items) > 1 else ""
        kind_a, kind_b = _NAMES[activation_kind(first)], _NAMES[activation_kind(second)]
        a, b = f"{kind_a} {first.name}", f"{kind_b} {second.name}"
        more += guessed_note(layer for item in items for layer in item[1:3])
        if case == "no-op":
            bound = "never negative" if activation_kind(second) != "relu6" else "already within [0, 6]"
            message = f"{b} is applied to the output of {a}, which is {bound}: it changes nothing{more}"
            fix = f"remove {b}"
        elif case == "undone":
            message = (f"{a} is followed by {b}, which zeroes the negative values {kind_a} lets "
                       f"through: together they are one {kind_b}{more}")
            fix = f"remove {a}, or the {kind_b} if the negative slope was wanted"
        else:
            dip = f"{_dip(activation_kind(first)):.2f}".replace("-", "−")
            message = (f"{b} is applied to the output of {a}, whose only negative values are a small "
                       f"dip (≥ {dip}): it only clips that dip, so one of the two activations "
                       f"is enough{more}")
            fix = f"keep one activation: remove {b}, or use {kind_b} alone"
        layers = [item[0] for item in items]
        return self.finding(graph, reported, message, fix, autofix=removal(graph, layers, safe=case != "nearly"),
                            covers=layers)


def _pair(graph: ModelGraph, second: Layer) -> tuple[Layer, list[str]] | None:
    """The activation whose output ``second`` reads, and the ops between them."""
    between: list[str] = []
    current = second
    while True:
        producers = tensor_producers(graph, current)
        if len(producers) != 1:
            return None
        producer = producers[0]
        if producer.op == "activation":
            return producer, between
        if producer.op not in _VALUE_PRESERVING + _RANGE_PRESERVING:
            return None
        between.append(producer.op)
        current = producer


def _case(first: str | None, second: str | None, between: list[str]) -> str | None:
    values_kept = all(op in _VALUE_PRESERVING for op in between)
    range_kept = all(op in _RANGE_PRESERVING for op in between)
    sign_kept = all(op in _VALUE_PRESERVING + _RANGE_PRESERVING for op in between)
    if second in _IDENTITY_ON_NON_NEGATIVE and first in _NON_NEGATIVE and sign_kept:
        return "no-op"
    if second == "relu6" and first in _AT_MOST_SIX and range_kept:
        return "no-op"
    if second in ("relu", "relu6") and first in _UNDONE_BY_RELU and values_kept:
        return "undone"
    if second == "relu" and first in _SMALL_DIP and values_kept:
        return "nearly"
    return None


@lru_cache(maxsize=None)
def _dip(kind: str) -> float:
    """The smallest value the activation takes, measured on a fine grid."""
    import torch
    import torch.nn.functional as F

    fn = {"gelu": F.gelu, "silu": F.silu, "mish": F.mish}[kind]
    return float(fn(torch.linspace(-10.0, 0.0, 100_001)).min())
