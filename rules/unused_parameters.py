from __future__ import annotations

from collections.abc import Iterator

from torch import nn

from netlint.graph import ModelGraph
from netlint.rule import Finding, Rule


class UnusedParameters(Rule):
    """Submodules whose parameters the forward never uses.

    ## What it does
    Finds submodules holding parameters that the forward pass never reads, neither in eval
    mode nor in training mode (netlint runs the forward eagerly in both, so auxiliary heads
    that only run while training, as in GoogLeNet and Inception v3, count as used). It
    reports the outermost such submodule, at the line that created it, with the parameters
    it would save.

    ## Why is this bad?
    Unused parameters cost memory, optimizer state and checkpoint size for nothing, and
    usually mean a bug: a layer built but forgotten in ``forward``, or a branch that never
    runs. Under ``DistributedDataParallel`` they are an error: its gradient reduction waits
    for gradients that never come and raises "Expected to have finished reduction in the
    prior iteration before starting a new one", unless ``find_unused_parameters=True``,
    which makes every step slower to hide the mistake.

    ## Example
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Conv2d(3, 64, 3)
            self.refine = nn.Conv2d(64, 64, 3)  # never called
            self.fc = nn.Linear(64, 10)

        def forward(self, x):
            return self.fc(self.features(x).mean((2, 3)))
    ```

    Frozen parameters (``requires_grad=False``: a perceptual loss's VGG, a feature extractor
    kept fixed) are not reported: nothing trains them and DistributedDataParallel ignores
    them; a network used only outside ``forward`` whose parameters still require gradients
    is, with the advice to freeze it.

    ## Use instead
    Call the submodule in ``forward``, or delete it. Keep submodules that only run in
    training mode: they are used. Freeze a network kept for a loss:
    ``self.vgg.requires_grad_(False)``.

    ## References
    - PyTorch documentation, ``torch.nn.parallel.DistributedDataParallel``,
      ``find_unused_parameters``.
    - Szegedy et al., "Going Deeper with Convolutions" (GoogLeNet), CVPR 2015: auxiliary
      classifiers used in training only.
    """

    code = "NL104"
    name = "unused-parameters"
    severity = "warning"
    needs = frozenset({"modules", "execution"})

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        unused = set(graph.unused_parameters or ())
        if not unused:
            return
        modules = dict(graph.model.named_modules())
        reported: list[str] = []
        for name, module in modules.items():
            own = [f"{name}.{p}" if name else p for p, _ in module.named_parameters()]
            if (not own or not set(own) <= unused or name == ""
                    or any(name.startswith(r + ".") for r in reported)):
                continue
            if not any(p.requires_grad for p in module.parameters()):
                reported.append(name)  # frozen: a fixed feature extractor, nothing to train or reduce
                continue
            reported.append(name)
            count = sum(p.numel() for p in _unique(module.parameters()))
            yield self.finding(
                graph, name,
                f"{name} ({type(module).__name__}, {count:,} parameters) is never used by the "
                "forward, in eval or training mode; under DistributedDataParallel this raises "
                "unless find_unused_parameters=True",
                f"call {name} in forward, or remove it; if it is a fixed network kept for a loss, "
                f"freeze it ({name}.requires_grad_(False))",
                site=graph.site_of(name), params_before=graph.params, params_after=graph.params - count,
            )


def _unique(parameters) -> list[nn.Parameter]:
    return list({id(p): p for p in parameters}.values())
