from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._dataflow import creation_key
from netlint.rules._guessed import guessed_note

# Layers with one input that pass the dropped-out values on without renormalizing or mixing
# them with other features.
_THROUGH = ("identity", "reshape", "activation", "pool")


class DropoutBeforeBatchNorm(Rule):
    """Dropout whose output BatchNorm normalizes.

    ## What it does
    Finds a Dropout layer (``nn.Dropout``, ``nn.Dropout2d``…, ``F.dropout``)
    whose output reaches a BatchNorm layer, following dataflow directly or through
    activations, pooling and reshapes. Layers created by the same line are reported once.
    Dropout with ``p=0`` and AlphaDropout (built to keep mean and variance for SELU networks)
    are left alone. It does not follow the output through a convolution or linear layer, nor
    through a concatenation or residual addition: a weight layer between them mixes many
    features, which keeps the shift small in wide networks (Li et al.'s explanation of why
    Wide ResNet's dropout between convolutions works), and concatenated or added features are
    not dropout's alone — DenseNet-style concatenation of dropped-out features is a known
    blind spot.

    ## Why is this bad?
    During training, inverted dropout zeroes a fraction ``p`` of the values and scales the
    rest by ``1/(1-p)``, which raises their variance; at inference it does nothing. BatchNorm
    accumulates its running variance while training, with dropout on, and uses it at
    inference, when dropout is off: the variance it divides by no longer matches its input.
    Li et al. call this *variance shift* and show it makes predictions at inference less
    accurate and less stable, and that networks with dropout in front of BatchNorm do better
    with the dropout moved.

    ## Example
    ```python
    self.block = nn.Sequential(
        nn.Conv2d(64, 64, 3, padding=1, bias=False),
        nn.Dropout(0.3),
        nn.BatchNorm2d(64),
        nn.ReLU(inplace=True),
    )
    ```

    ## Use instead
    ```python
    self.block = nn.Sequential(
        nn.Conv2d(64, 64, 3, padding=1, bias=False),
        nn.BatchNorm2d(64),
        nn.ReLU(inplace=True),
    )
    # and dropout, if still wanted, after the last BatchNorm: before the classifier
    self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(64, 10))
    ```

    ## References
    - Li, Chen, Hu & Yang, "Understanding the Disharmony between Dropout and Batch
      Normalization by Variance Shift", CVPR 2019.
    - Ioffe & Szegedy, "Batch Normalization", ICML 2015, §3.4 (BatchNorm reduces the need
      for dropout).
    """

    code = "NL203"
    name = "dropout-before-batchnorm"
    severity = "warning"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        by_site: dict[object, dict[str, tuple[Layer, Layer]]] = defaultdict(dict)
        for dropout in graph.of_op("dropout"):
            if not _drops(dropout):
                continue
            norms = [x for x in graph.feeds(dropout, through=lambda x: x.op in _THROUGH)
                     if x.op == "batch_norm"]
            if norms:
                by_site[creation_key(dropout)].setdefault(dropout.name, (dropout, norms[0]))
        for pairs in by_site.values():
            yield self._finding(graph, list(pairs.values()))

    def _finding(self, graph: ModelGraph, pairs: list[tuple[Layer, Layer]]) -> Finding:
        dropout, norm = pairs[0]
        rates = sorted({d.attrs["p"] for d, _ in pairs if isinstance(d.attrs.get("p"), (int, float))})
        rate = f" (p={', '.join(f'{p:g}' for p in rates)})" if rates else ""
        guessed = guessed_note(n for _, n in pairs)
        if len(pairs) == 1:
            what = f"{dropout.type} {dropout.name}{rate} feeds {norm.type} {norm.name}{guessed}"
        else:
            what = (f"{len(pairs)} {dropout.type} layers made by this line{rate} ({dropout.name} and "
                    f"{len(pairs) - 1} more) feed {norm.type} layers (first: {norm.name}){guessed}")
        return self.finding(
            graph, dropout,
            f"{what}: BatchNorm's running variance is measured with dropout on and used with "
            "dropout off, so at inference it normalizes with the wrong variance (variance shift)",
            "move the dropout after the last BatchNorm (e.g. just before the classifier), or "
            "remove it: BatchNorm already regularizes",
            covers=[d for d, _ in pairs],
        )


def _drops(layer: Layer) -> bool:
    return layer.attrs.get("p") != 0 and "alpha" not in layer.type.lower()
