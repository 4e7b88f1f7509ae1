from __future__ import annotations

from collections.abc import Iterator

from netlint.graph import ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._fixes import removal
from netlint.rules._losses import finding_site, pairings


class SigmoidIntoBceWithLogits(Rule):
    """Sigmoid (or softmax) output trained with BCEWithLogitsLoss: squashed twice.

    ## What it does
    Reports a sigmoid or softmax (in the model, or applied by the training code, e.g.
    ``criterion(torch.sigmoid(out), y)``) whose output goes into ``nn.BCEWithLogitsLoss`` or
    ``F.binary_cross_entropy_with_logits``, at its line, naming the loss's line. A
    segmentation U-Net that returns logits to ``BCEWithLogitsLoss`` stays quiet.

    ## Why is this bad?
    ``BCEWithLogitsLoss`` applies the sigmoid itself. On probabilities it computes
    ``sigmoid(sigmoid(z))``, which lies in [0.5, 0.73]: a positive is never predicted with
    more than 73 %, a negative never below 50 %, the loss cannot approach 0 and the gradient
    through two saturating sigmoids vanishes. Thresholding at 0.5 afterwards calls almost
    everything positive.

    ## Example
    ```python
    return torch.sigmoid(self.out(x))
    ...
    loss = nn.BCEWithLogitsLoss()(model(x), mask)
    ```

    ## Use instead
    ```python
    return self.out(x)                         # logits
    ...
    loss = nn.BCEWithLogitsLoss()(model(x), mask)
    mask_pred = torch.sigmoid(model(x)) > 0.5  # at inference
    ```

    ## Fix
    Safe when the sigmoid is the model's own: it is removed.

    ## References
    - PyTorch documentation, ``torch.nn.BCEWithLogitsLoss``: "This loss combines a Sigmoid
      layer and the BCELoss in one single class".
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", ACM TOSEM 31(1), 2021 (WrongLossInputs, BinMissingSigmoid).
    """

    code = "NL307"
    name = "sigmoid-into-bce-with-logits"
    severity = "warning"
    needs = frozenset({"modules"})  # the module tree tier gives the outputs its forward's code returns

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        for pairing in pairings(graph):
            if pairing.loss != "BCEWithLogitsLoss" or pairing.last not in ("sigmoid", "softmax"):
                continue
            layer, site = finding_site(pairing)
            fix = removal(graph, [pairing.activation], safe=True) if pairing.in_model else None
            yield self.finding(
                graph, layer,
                f"{pairing.activation_where()} feeds {pairing.where()}, which applies the sigmoid itself: "
                "squashed twice, predictions stay between 0.5 and 0.73 and the gradients vanish",
                f"remove the {pairing.last} and give BCEWithLogitsLoss the logits; apply torch.sigmoid at "
                "inference", site=site, autofix=fix)
