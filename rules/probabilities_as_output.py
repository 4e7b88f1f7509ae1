from __future__ import annotations

from collections.abc import Iterator

from netlint.graph import ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._dataflow import activation_kind, source_of
from netlint.rules._fixes import removal
from netlint.rules._losses import pairings, trained_differently
from netlint.task import regresses_values

_PROBABILITIES = {"softmax": "Softmax", "logsoftmax": "LogSoftmax", "sigmoid": "Sigmoid"}
_AFTER = ("reshape", "identity")  # what may come after the activation in the returned value


class ProbabilitiesAsOutput(Rule):
    """Model that returns probabilities instead of logits.

    ## What it does
    Finds a model output produced by Softmax, LogSoftmax or Sigmoid (module, functional or
    tensor-method form, possibly followed by reshapes). It stays quiet in image-to-image
    models that end in Sigmoid (or Tanh, never reported) to produce pixel values, in models
    named for a map of values in a range (matting's alpha, depth) that end in Sigmoid, when the
    model also returns the logits the activation was applied to, and when the training code
    shows the loss applied to that output (then NL305–NL311 judge the pairing: sigmoid +
    ``BCELoss`` and ``log_softmax`` + ``NLLLoss`` are right).

    ## Why is this bad?
    PyTorch's classification losses take logits: ``nn.CrossEntropyLoss`` applies log-softmax
    itself and ``nn.BCEWithLogitsLoss`` applies the sigmoid itself, inside one numerically
    stable kernel. Training a model that ends in Softmax with ``CrossEntropyLoss`` applies
    softmax twice: the outputs are squeezed into [0, 1] before the second softmax, so the
    loss can barely separate classes and gradients shrink. A Sigmoid output trained with
    ``BCEWithLogitsLoss`` is squashed twice the same way; with ``BCELoss`` instead, the log of
    a saturated sigmoid loses precision and the loss refuses to run under mixed-precision
    autocast. A LogSoftmax output is right for ``NLLLoss`` (and harmless, if wasted, with
    ``CrossEntropyLoss``, which normalizes again), but it breaks the convention the rest of the
    ecosystem assumes. Returning logits works with every loss and leaves the choice of softmax,
    sigmoid or temperature to inference code.

    ## Example
    ```python
    self.head = nn.Sequential(nn.Linear(512, 10), nn.Softmax(dim=1))
    ...
    loss = nn.CrossEntropyLoss()(model(x), y)  # softmax applied twice
    ```

    ## Use instead
    ```python
    self.head = nn.Linear(512, 10)
    ...
    loss = nn.CrossEntropyLoss()(model(x), y)
    probabilities = model(x).softmax(dim=1)   # at inference, when needed
    ```

    ## Fix
    Unsafe (the model then returns logits: the loss and the inference code must change with
    it): removes the activation, as NL302's fix does — ``nn.Softmax(dim=1)`` becomes
    ``nn.Identity()``, ``return F.softmax(x, dim=1)`` becomes ``return x``.

    ## References
    - PyTorch documentation, ``torch.nn.CrossEntropyLoss`` ("The input is expected to contain
      the unnormalized logits for each class") and ``torch.nn.BCEWithLogitsLoss`` ("more
      numerically stable than using a plain Sigmoid followed by a BCELoss").
    - PyTorch documentation, Automatic Mixed Precision: "Prefer binary_cross_entropy_with_logits
      over binary_cross_entropy".
    - Goodfellow, Bengio & Courville, *Deep Learning*, MIT Press 2016, §6.2.2 (softmax
      outputs and the log-likelihood that undoes their exponent).
    """

    code = "NL303"
    name = "probabilities-as-output"
    severity = "note"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        returned = set(graph.outputs)
        seen: set[int] = set()
        for index in graph.outputs:
            layer = graph.layers[index]
            activation = layer if activation_kind(layer) else source_of(graph, layer, lambda x: x.op in _AFTER)[0]
            if activation is None or activation.index in seen:
                continue
            kind = activation_kind(activation)
            values = graph.task == "image-to-image" or (graph.task == "segmentation"
                                                        and regresses_values(graph.class_name))
            if kind not in _PROBABILITIES or (kind == "sigmoid" and values):
                continue  # pixel values, an alpha matte or a depth in a range: the sigmoid is the range
            logits, _ = source_of(graph, activation, lambda x: False)
            if logits is not None and logits.index in returned:
                continue  # the logits are returned too
            if any(pairing.output.index == index for pairing in pairings(graph)):
                continue  # the training code shows the loss: NL305–NL311 judge the pairing
            if trained_differently(graph, graph.outputs.index(index), activation):
                continue  # logits while training, probabilities for inference: by design
            seen.add(activation.index)
            yield self._finding(graph, activation, kind)

    def _finding(self, graph: ModelGraph, activation, kind: str) -> Finding:
        what = f"the model returns the output of {_PROBABILITIES[kind]} {activation.name}"
        if kind == "softmax":
            message = (f"{what}, probabilities: CrossEntropyLoss expects logits and applies "
                       "log-softmax itself, so training on these outputs applies softmax twice")
            fix = ("return the logits (remove the Softmax) and train with CrossEntropyLoss; apply "
                   "softmax at inference, where probabilities are needed")
        elif kind == "logsoftmax":
            message = (f"{what}, log-probabilities: right for NLLLoss, but CrossEntropyLoss, "
                       "BCEWithLogitsLoss and most metrics and distillation code expect logits")
            fix = ("return the logits (remove the LogSoftmax) and train with CrossEntropyLoss, or "
                   "make sure the loss is NLLLoss")
        else:
            message = (f"{what}, probabilities: BCEWithLogitsLoss expects logits and applies the "
                       "sigmoid itself; BCELoss on probabilities is less stable and refuses "
                       "mixed-precision autocast")
            fix = ("return the logits (remove the Sigmoid) and train with BCEWithLogitsLoss; apply "
                   "torch.sigmoid at inference")
        return self.finding(graph, activation, message, fix, autofix=removal(graph, [activation], safe=False))
