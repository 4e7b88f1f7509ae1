from __future__ import annotations

from collections.abc import Iterator

from netlint.graph import ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._fixes import removal
from netlint.rules._losses import finding_site, pairings


class DoubleSoftmax(Rule):
    """Softmax output trained with CrossEntropyLoss: softmax applied twice.

    ## What it does
    Pairs the model's last layer with the loss its training code applies to it (the same
    file, its ``__main__`` block and the project's scripts that import the model, read with
    ``ast``). Reports a softmax (``nn.Softmax``, ``F.softmax``, ``x.softmax()``, in the model
    or applied by the training code) whose output goes into ``nn.CrossEntropyLoss`` or
    ``F.cross_entropy``, at the softmax's line, naming the loss's line. A forward that returns
    the logits while ``self.training`` (probabilities only for inference) is judged by its
    training-mode output, the one the loss reads: quiet.

    ## Why is this bad?
    ``CrossEntropyLoss`` expects unnormalized logits and applies ``log_softmax`` itself. Fed
    probabilities, it computes ``log_softmax(softmax(z))``: every input lies in [0, 1], so the
    loss can never get close to 0 (for 10 classes it stays above ~1.46 even for a perfect
    prediction), the gradients shrink as the softmax saturates, and training is slow and ends
    worse. It trains without an error, which is why it is the most common last-layer mistake
    in PyTorch code (NeuraLint's WrongLossInputs; Stack Overflow's "CrossEntropyLoss after
    softmax").

    ## Example
    ```python
    self.head = nn.Sequential(nn.Linear(512, 10), nn.Softmax(dim=1))
    ...
    criterion = nn.CrossEntropyLoss()
    loss = criterion(model(x), y)
    ```

    ## Use instead
    ```python
    self.head = nn.Linear(512, 10)
    ...
    loss = criterion(model(x), y)          # logits
    probabilities = model(x).softmax(1)    # at inference, when needed
    ```

    ## Fix
    When the softmax is the model's own module or call, it is removed (``nn.Softmax(dim=1)``
    becomes ``nn.Identity()``, ``F.softmax(x, 1)`` becomes ``x``): the loss is then right and
    ``argmax`` unchanged. Unsafe: inference code that reads the model's output as
    probabilities (a threshold, a confidence) must apply the softmax itself afterwards.

    ## References
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", ACM TOSEM 31(1), 2021 (rule WrongLossInputs / MissingSoftmax).
    - PyTorch documentation, ``torch.nn.CrossEntropyLoss``: "The input is expected to contain
      the unnormalized logits for each class".
    """

    code = "NL305"
    name = "double-softmax"
    severity = "warning"
    needs = frozenset({"modules"})  # the module tree tier gives the outputs its forward's code returns

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        for pairing in pairings(graph):
            if pairing.loss != "CrossEntropyLoss" or pairing.last != "softmax":
                continue
            layer, site = finding_site(pairing)
            fix = removal(graph, [pairing.activation], safe=False) if pairing.in_model else None
            yield self.finding(
                graph, layer,
                f"{pairing.activation_where()} feeds {pairing.where()}, which applies log_softmax itself: "
                "softmax applied twice, the loss cannot reach 0 and its gradients shrink",
                "remove the softmax and give CrossEntropyLoss the logits; apply softmax at inference",
                site=site, autofix=fix)
