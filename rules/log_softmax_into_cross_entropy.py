from __future__ import annotations

from collections.abc import Iterator

from netlint.graph import ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._fixes import removal
from netlint.rules._losses import finding_site, pairings


class LogSoftmaxIntoCrossEntropy(Rule):
    """LogSoftmax output trained with CrossEntropyLoss: log_softmax applied twice.

    ## What it does
    Reports a ``log_softmax`` (``nn.LogSoftmax``, ``F.log_softmax``, in the model or applied
    by the training code) whose output goes into ``nn.CrossEntropyLoss`` / ``F.cross_entropy``,
    at its line, naming the loss's line. ``log_softmax`` with ``NLLLoss`` (the classic MNIST
    example) is right and stays quiet.

    ## Why is this bad?
    ``CrossEntropyLoss`` is ``log_softmax`` followed by ``NLLLoss``. Given log-probabilities it
    normalizes them a second time. Because ``log_softmax`` is idempotent the loss value is the
    same, so training is not harmed, but the model is paying for an operation twice and its
    output is neither logits (what CrossEntropyLoss, distillation and calibration code expect)
    nor what the author believed: the pairing says the author meant ``NLLLoss``, or meant to
    return logits. Found in 7 of 25 last-layer mistakes in public PyTorch repositories.

    ## Example
    ```python
    return F.log_softmax(self.fc(x), dim=1)
    ...
    loss = nn.CrossEntropyLoss()(model(x), y)
    ```

    ## Use instead
    ```python
    return self.fc(x)                      # logits
    ...
    loss = nn.CrossEntropyLoss()(model(x), y)
    # or keep the log_softmax and train with nn.NLLLoss()
    ```

    ## Fix
    Unsafe (code that reads the outputs as log-probabilities changes with it): removes the
    ``log_softmax``; the loss, and so training, is unchanged.

    ## References
    - PyTorch documentation, ``torch.nn.CrossEntropyLoss`` ("equivalent to applying LogSoftmax
      on an input, followed by NLLLoss") and ``torch.nn.NLLLoss``.
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", ACM TOSEM 31(1), 2021 (WrongLossInputs).
    """

    code = "NL306"
    name = "log-softmax-into-cross-entropy"
    severity = "note"
    needs = frozenset({"modules"})  # the module tree tier gives the outputs its forward's code returns

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        for pairing in pairings(graph):
            if pairing.loss != "CrossEntropyLoss" or pairing.last != "logsoftmax":
                continue
            layer, site = finding_site(pairing)
            fix = removal(graph, [pairing.activation], safe=False) if pairing.in_model else None
            yield self.finding(
                graph, layer,
                f"{pairing.activation_where()} feeds {pairing.where()}, which applies log_softmax again: "
                "the model returns neither logits nor what NLLLoss would be given",
                "return the logits (remove the log_softmax) for CrossEntropyLoss, or keep it and train "
                "with NLLLoss", site=site, autofix=fix)
