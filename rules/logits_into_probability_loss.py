from __future__ import annotations

from collections.abc import Iterator

from netlint.fix.changes import Applicability, Autofix, Call, RenameCallee
from netlint.graph import ModelGraph, Site
from netlint.rule import Finding, Rule
from netlint.rules._losses import finding_site, pairings


class LogitsIntoProbabilityLoss(Rule):
    """Raw logits (or probabilities) into BCELoss or NLLLoss, which expect probabilities and
    log-probabilities.

    ## What it does
    Reports a model output that reaches ``nn.BCELoss`` / ``F.binary_cross_entropy`` with no
    sigmoid or softmax before it, and one that reaches ``nn.NLLLoss`` / ``F.nll_loss`` without
    a ``log_softmax`` (raw logits, or softmax probabilities whose log was never taken): at the
    layer that makes the output, naming the loss's line. Sigmoid + ``BCELoss`` (a DCGAN
    discriminator) and ``log_softmax`` + ``NLLLoss`` stay quiet.

    ## Why is this bad?
    ``BCELoss`` takes probabilities in [0, 1]: on logits it raises a device-side error for
    values outside that range, or, with logits that happen to lie inside, learns nonsense.
    ``NLLLoss`` only picks ``-input[y]``: on logits it rewards making the true class's logit
    large without any normalization (the loss is unbounded below and diverges), and on
    probabilities it minimizes ``-p`` instead of ``-log p``, with gradients that vanish for
    confident mistakes.

    ## Example
    ```python
    return self.fc(x)                          # logits
    ...
    loss = nn.BCELoss()(model(x), y)
    loss = F.nll_loss(model(x), y)
    ```

    ## Use instead
    ```python
    loss = nn.BCEWithLogitsLoss()(model(x), y)
    loss = F.cross_entropy(model(x), y)
    ```

    ## Fix
    Raw logits into an ``nn.BCELoss()`` the training code builds: it builds
    ``nn.BCEWithLogitsLoss()`` instead, which applies the sigmoid itself. Unsafe: code that
    reads the model's output as a probability must apply ``torch.sigmoid`` to it.

    ## References
    - PyTorch documentation, ``torch.nn.BCELoss`` ("the targets y should be numbers between 0
      and 1"), ``torch.nn.NLLLoss`` ("The input given through a forward call is expected to
      contain log-probabilities of each class").
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", ACM TOSEM 31(1), 2021 (MissingSoftmax, BinMissingSigmoid).
    """

    code = "NL308"
    name = "logits-into-probability-loss"
    severity = "warning"
    needs = frozenset({"modules"})  # the module tree tier gives the outputs its forward's code returns

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        for pairing in pairings(graph):
            last = pairing.last
            if pairing.loss == "BCELoss" and last not in ("sigmoid", "softmax"):
                got = "raw logits" if last is None else f"the output of {pairing.activation_where()}"
                message = (f"{got} feed {pairing.where()}, which expects probabilities in [0, 1]: "
                           "outside that range it fails, inside it learns the wrong thing")
                fix = ("use BCEWithLogitsLoss (it applies the sigmoid itself, stably) or end the model "
                       "with a sigmoid")
            elif pairing.loss == "NLLLoss" and last != "logsoftmax":
                if last == "softmax":
                    message = (f"the output of {pairing.activation_where()} feeds {pairing.where()}, which "
                               "expects log-probabilities: it minimizes -p instead of -log p")
                    fix = "use log_softmax instead of softmax, or CrossEntropyLoss on the logits"
                else:
                    message = (f"raw logits feed {pairing.where()}, which expects log-probabilities: the "
                               "loss is unnormalized and unbounded below")
                    fix = "use CrossEntropyLoss (log_softmax + NLLLoss), or end the model with log_softmax"
            else:
                continue
            layer, site = finding_site(pairing)
            yield self.finding(graph, layer, message, fix, site=site, autofix=_with_logits(pairing))


def _with_logits(pairing) -> Autofix | None:
    """BCELoss built by a call the training code shows, on raw logits: build BCEWithLogitsLoss."""
    use = pairing.uses[0]
    if pairing.loss != "BCELoss" or pairing.last is not None:
        return None
    if not use.made_at or any(u.made_at != use.made_at or u.path != use.path for u in pairing.uses):
        return Autofix.none("the BCELoss is not built by one call of the training code (F.binary_cross_entropy, "
                            "or several losses)")
    return Autofix.of(Applicability.UNSAFE, RenameCallee(Call(Site(use.path, use.made_at, 0, use.made_at), "BCELoss"),
                                                         "BCEWithLogitsLoss"))
