from __future__ import annotations

from collections.abc import Iterator

from netlint.graph import ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._fixes import removal
from netlint.rules._losses import CLASSIFICATION_LOSSES, finding_site, pairings


class ReluBeforeClassificationLoss(Rule):
    """ReLU as the classifier's last activation.

    ## What it does
    Reports a model output produced by a ReLU (module or function, possibly followed by
    reshapes) that goes into a classification loss (``CrossEntropyLoss``, ``NLLLoss``,
    ``BCELoss``, ``BCEWithLogitsLoss``), at the ReLU's line, naming the loss's line. A ReLU at
    the end of a regressor (``MSELoss`` on counts or distances) stays quiet.

    ## Why is this bad?
    Logits must be free to be negative: a ReLU clips every class score at 0, so a class can
    only be made less likely by pushing the others up, every unit whose score goes below 0
    stops getting a gradient (a dead class), and ``BCEWithLogitsLoss`` can never predict
    below 50 %. With ``BCELoss`` or ``NLLLoss`` the output is not a probability either.

    ## Example
    ```python
    self.classifier = nn.Sequential(nn.Linear(256, 10), nn.ReLU())
    ...
    loss = nn.CrossEntropyLoss()(model(x), y)
    ```

    ## Use instead
    ```python
    self.classifier = nn.Linear(256, 10)
    ```

    ## Fix
    Unsafe (the outputs change range): removes the ReLU.

    ## References
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", ACM TOSEM 31(1), 2021 (WrongLastLayerActivation).
    - Goodfellow, Bengio & Courville, *Deep Learning*, MIT Press 2016, §6.2.2 (output units).
    """

    code = "NL311"
    name = "relu-before-classification-loss"
    severity = "warning"
    needs = frozenset({"modules"})  # the module tree tier gives the outputs its forward's code returns

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        for pairing in pairings(graph):
            if pairing.loss not in CLASSIFICATION_LOSSES or pairing.last != "relu":
                continue
            layer, site = finding_site(pairing)
            fix = removal(graph, [pairing.activation], safe=False) if pairing.in_model else None
            yield self.finding(
                graph, layer,
                f"{pairing.activation_where()} ends the model and feeds {pairing.where()}: class scores "
                "clipped at 0 cannot go negative and stop learning below it",
                "remove the ReLU: the last layer returns logits", site=site, autofix=fix)
