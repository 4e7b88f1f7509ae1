from __future__ import annotations

from collections.abc import Iterator

from netlint.graph import ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._losses import finding_site, pairings


class BinaryCrossEntropyOnSoftmax(Rule):
    """Binary cross-entropy on a multi-class softmax.

    ## What it does
    Reports a softmax over more than two classes whose output goes into ``nn.BCELoss`` /
    ``F.binary_cross_entropy`` (or, through the softmax, ``BCEWithLogitsLoss``), at the
    softmax's line, naming the loss's line.

    ## Why is this bad?
    A softmax says the classes exclude each other (one label per sample); binary
    cross-entropy says each class is an independent yes/no question (multi-label). Mixed, the
    loss scores each class against a probability that also depends on every other class:
    for single-label data it is not the likelihood being maximized (use
    ``CrossEntropyLoss`` on logits), for multi-label data the softmax forbids two labels
    from both being likely (use a per-class sigmoid, i.e. ``BCEWithLogitsLoss`` on logits).

    ## Example
    ```python
    return F.softmax(self.fc(x), dim=1)   # 10 classes
    ...
    loss = nn.BCELoss()(model(x), one_hot(y, 10).float())
    ```

    ## Use instead
    ```python
    return self.fc(x)
    ...
    loss = nn.CrossEntropyLoss()(model(x), y)              # one label per sample
    loss = nn.BCEWithLogitsLoss()(model(x), labels.float())  # several labels per sample
    ```

    ## References
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", ACM TOSEM 31(1), 2021 (WrongLossInputs / multi-class with binary loss).
    - PyTorch documentation, ``torch.nn.CrossEntropyLoss``, ``torch.nn.BCEWithLogitsLoss``
      (multi-label classification).
    """

    code = "NL310"
    name = "binary-cross-entropy-on-softmax"
    severity = "warning"
    needs = frozenset({"modules"})  # the module tree tier gives the outputs its forward's code returns

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        for pairing in pairings(graph):
            if pairing.loss not in ("BCELoss", "BCEWithLogitsLoss") or pairing.last != "softmax":
                continue
            if pairing.units is None or pairing.units <= 2:
                continue
            layer, site = finding_site(pairing)
            yield self.finding(
                graph, layer,
                f"{pairing.activation_where()} over {pairing.units} classes feeds {pairing.where()}: a softmax "
                "makes the classes exclusive, binary cross-entropy scores each one as independent",
                "one label per sample: CrossEntropyLoss on the logits; several labels: BCEWithLogitsLoss on "
                "the logits (a sigmoid per class)", site=site)
