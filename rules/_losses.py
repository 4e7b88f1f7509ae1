"""The model's last layer paired with the loss its training code applies to it: what the
loss/last-layer rules (NL305–NL311) and NL303 read from the graph's training facts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from netlint.capture.returned import returned_keys, training_steps
from netlint.graph import Layer, ModelGraph, Site
from netlint.rules._dataflow import activation_kind, source_of

AFTER = ("reshape", "identity", "dropout")  # what may come after the activation in the returned value
# methods and functions that keep the values, only reshaped, cast or sliced
KEEPS_VALUES = {"squeeze", "unsqueeze", "view_as", "reshape_as", "float", "double", "half", "clone", "to", "type",
                "getitem", "contiguous", "flatten", "expand_as", "detach"}


def keeps_values(layer: Layer) -> bool:
    return layer.op in AFTER or (layer.op in ("method", "function") and layer.type.strip("_") in KEEPS_VALUES)
CLASSIFICATION_LOSSES = ("CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "MultiLabelSoftMarginLoss")
SHOWN = {"softmax": "softmax", "logsoftmax": "log_softmax", "sigmoid": "sigmoid", "relu": "ReLU", "tanh": "tanh"}


@dataclass(frozen=True)
class Pairing:
    """One loss applied to one output: what the output went through last, in the model or in
    the training code, and where each is."""

    uses: tuple  # the LossUse records of this loss on this output (train and validation loops…)
    output: Layer  # the layer whose value the model returns
    activation: Layer | None  # the model's own last activation on that output
    applied: tuple[str, ...]  # activations the training code applies after the model
    shape: tuple[int, ...] | None  # the output's shape

    @property
    def loss(self) -> str:
        return self.uses[0].loss

    @property
    def last(self) -> str | None:
        """The last activation before the loss, wherever it is."""
        if self.applied:
            return self.applied[-1]
        return activation_kind(self.activation) if self.activation is not None else None

    @property
    def in_model(self) -> bool:
        """The last activation is the model's own (not the training code's)."""
        return not self.applied and self.activation is not None

    @property
    def units(self) -> int | None:
        """Output units: the channel dimension (dim 1), or the last of a 2-D output."""
        return self.shape[1] if self.shape is not None and len(self.shape) >= 2 else None

    @property
    def loss_site(self) -> Site:
        use = self.uses[0]
        return Site(use.path, use.line, 1, use.line)

    def where(self) -> str:
        """The loss and its line(s), for messages."""
        use = self.uses[0]
        more = len({u.where for u in self.uses}) - 1
        also = f" (and {more} more call{'s' * (more != 1)})" if more else ""
        built = f", built at {use.made_in}:{use.made_at}" if use.made_in and use.made_at else \
            f", built at line {use.made_at}" if use.made_at and use.made_at != use.line else ""
        return f"{use.loss} at {use.where}{built}{also}"

    def activation_where(self) -> str:
        """Where the last activation is: the model's layer, or the training code's line."""
        if self.in_model:
            site = self.activation.site
            line = f", line {site.line}" if site else ""
            return f"{self.activation.name} ({self.activation.type}{line})"
        return f"{SHOWN.get(self.last, self.last)} applied by the training code at {self.uses[0].where}"


def model_end(graph: ModelGraph, output: Layer) -> Layer | None:
    """The activation that produces the output, through reshapes and identities."""
    if activation_kind(output):
        return output
    if not keeps_values(output):
        return None  # a Linear or a conv makes the output: logits
    found, _ = source_of(graph, output, keeps_values)
    return found if found is not None and activation_kind(found) else None


def pairings(graph: ModelGraph) -> Iterator[Pairing]:
    """Each (loss, output, activations in the training code) the training code shows, once."""
    training = graph.training
    if not training or not graph.outputs:
        return
    grouped: dict[tuple, list] = {}
    keys = returned_keys(graph.model) if graph.model is not None and any(u.key for u in training.losses) else ()
    for use in training.losses:
        if use.key:  # model(x)["logits"]: the returned dict's entries are the outputs, in order
            if use.key not in keys or len(keys) != len(graph.outputs):
                continue
            use = replace(use, output=keys.index(use.key))
        if use.output is None and len(graph.outputs) != 1:
            continue  # which output the loss reads is not known
        index = use.output or 0
        if index >= len(graph.outputs):
            continue
        grouped.setdefault((use.loss, index, use.applied), []).append(use)
    for (loss, index, applied), uses in grouped.items():
        output = graph.layers[graph.outputs[index]]
        if output.op == "unknown":
            continue  # the module tree tier: the forward's code does not say what this output is
        end = model_end(graph, output)
        if trained_differently(graph, index, end):
            continue  # the forward returns something else while training, where the loss reads it
        shape = graph.output_shapes[index] if index < len(graph.output_shapes) else output.output_shape
        yield Pairing(tuple(uses), output, end, applied, shape)


def trained_differently(graph: ModelGraph, index: int, end: Layer | None) -> bool:
    """Whether the forward's return ``index`` ends, in training mode, in another activation than
    the captured (eval-mode) output's ``end``: ``if self.training: return logits`` before
    ``return F.softmax(logits, 1)``. The loss reads the training-mode output."""
    steps = training_steps(graph.model) if graph.model is not None else None
    if steps is None:
        return False
    step = steps[index] if index < len(steps) else None
    if step is None:
        return True
    if step.function:
        kind = step.function.replace("_", "").lower()
    else:
        layer = next((layer for layer in graph.layers if layer.name == step.module), None)
        kind = activation_kind(layer) if layer is not None else None
    return kind != (activation_kind(end) if end is not None else None)


def finding_site(pairing: Pairing) -> tuple[Layer | str, Site | None]:
    """Where to report: the model's layer when the culprit is in the model, else the loss line."""
    if pairing.in_model:
        return pairing.activation, None
    if not pairing.applied:
        return pairing.output, None  # nothing in between: the layer that makes the output
    return pairing.output.name, pairing.loss_site
