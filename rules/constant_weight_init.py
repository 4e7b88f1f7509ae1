from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from netlint.graph import Layer, ModelGraph, ParameterInit
from netlint.rule import Finding, Rule

_WEIGHTED = ("conv", "conv_transpose", "linear")
# Where a zero or constant layer's output, followed through everything else (activations,
# reshapes, chunks, pooling), stops ending a branch: another layer with weights or a norm.
_STOPS = (*_WEIGHTED, "embedding", "batch_norm", "instance_norm", "group_norm", "layer_norm", "module")


class ConstantWeightInit(Rule):
    """Weights of a hidden convolution or linear layer initialized to a constant or zero.

    ## What it does
    Reads how the model's parameters were initialized while it was built — ``nn.init.zeros_``,
    ``nn.init.constant_``, ``nn.init.ones_``, ``.weight.data.fill_(c)``, ``.weight.data.zero_()``
    in ``__init__``, in an ``init_weights()`` it calls, in ``self.apply(fn)``, or in a
    ``model.apply(fn)`` of the training code whose ``fn`` the model's file defines — and finds
    the ``weight`` of a ``Conv``/``Linear`` layer whose last initialization sets it to one value.
    The calls are the evidence (the model is built on the meta device, where no value exists);
    the finding is at the call's line.

    Left alone, as the designs that do this on purpose: biases and normalization weights (zero
    or one is their standard start); a layer whose output ends a branch — it reaches, through
    layers without weights, a model output or a residual sum (a zero-initialized classifier,
    ``zero_init_residual``, ControlNet's zero convolutions, a zero-initialized adapter); a layer
    with a single output unit given a non-zero constant; and initializations made by a
    library's own code.

    ## Why is this bad?
    Units of one layer that start with the same weights compute the same function and receive
    the same gradient, so they stay identical: the layer behaves as a single unit, whatever its
    width (the symmetry is never broken). Zero weights are worse: every output is zero, so a
    following ReLU passes no gradient and the layer, and the ones before it, never start to
    learn. Random initialization exists to break this symmetry.

    ## Example
    ```python
    def init_weights(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.constant_(m.weight, 0.5)
    ```

    ## Use instead
    ```python
    def init_weights(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)
    ```

    ## References
    - Goodfellow, Bengio & Courville, *Deep Learning*, MIT Press 2016, §8.4 (initialization must
      break the symmetry between units).
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", TOSEM 2021 (NeuraLint's ConstantInit and ZerosInit).
    - He et al., "Delving Deep into Rectifiers", ICCV 2015 (Kaiming initialization);
      Goyal et al., "Accurate, Large Minibatch SGD", 2017 (zero-initialized residual branches).
    """

    code = "NL313"
    name = "constant-weight-init"
    severity = "warning"
    needs = frozenset({"modules", "dataflow"})

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        last: dict[str, ParameterInit] = {}
        for init in graph.inits:
            last[init.parameter] = init
        layers: dict[str, list[Layer]] = defaultdict(list)
        for layer in graph.of_op(*_WEIGHTED):
            layers[layer.name].append(layer)
        by_site: dict[object, list[tuple[ParameterInit, Layer]]] = defaultdict(list)
        for init in last.values():
            called = layers.get(init.module)
            if not init.constant or init.by_library or not init.parameter.endswith(".weight") or not called:
                continue
            layer = called[0]
            units = layer.attrs.get("out_features", layer.attrs.get("out_channels"))
            if (units == 1 and init.value != 0.0) or any(_ends_branch(graph, x) for x in called):
                continue
            by_site[init.site or init.parameter].append((init, layer))
        for pairs in by_site.values():
            yield self._finding(graph, pairs)

    def _finding(self, graph: ModelGraph, pairs: list[tuple[ParameterInit, Layer]]) -> Finding:
        init, layer = pairs[0]
        value = "zero" if init.value == 0.0 else f"the constant {init.value:g}" if init.value is not None \
            else "a constant"
        what = f"{layer.type} {layer.name}" if len(pairs) == 1 else \
            f"{len(pairs)} layers ({layer.type} {layer.name} and {len(pairs) - 1} more)"
        applied = f" (run by {init.applied_by})" if init.applied_by else ""
        why = ("its outputs are all zero, so no gradient passes a following ReLU and its units stay identical"
               if init.value == 0.0 else "its units compute the same function and get the same gradient, "
               "so they never differentiate")
        return self.finding(
            graph, layer,
            f"{init.function} sets the weights of {what} to {value}{applied}: {why} (symmetry is never broken)",
            "initialize the weights randomly (keep the layer's default, or nn.init.kaiming_normal_ / "
            "xavier_uniform_); a constant start is only right for biases, norm weights and a branch's last layer",
            site=init.site or layer.site, covers=[x for _, x in pairs],
        )


def _ends_branch(graph: ModelGraph, layer: Layer) -> bool:
    """Whether the layer's output reaches a model output, a residual sum or a product (a gate,
    adaLN's scale and shift) before any other layer with weights or a norm."""
    stack, seen = [layer], set()
    while stack:
        current = stack.pop()
        if current.index in seen:
            continue
        seen.add(current.index)
        if current.index in graph.outputs:
            return True
        for reader in graph.consumers(current):
            if reader.op in ("add", "mul"):
                return True
            if reader.op not in _STOPS:
                stack.append(reader)
    return False
