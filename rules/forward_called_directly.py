from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from netlint.rule import Finding, SourceRule


class ForwardCalledDirectly(SourceRule):
    """``model.forward(x)`` called directly instead of ``model(x)``.

    ## What it does
    Reads the training and inference code (with ``ast``; nothing is run) for calls of
    ``.forward(...)`` on a model: a name bound to a model's constructor, a wrapper of one
    (``.to(device)``, ``nn.DataParallel``), or a parameter named as a model (``model``,
    ``net``, ``classifier``…), outside the body of any class. ``super().forward(x)`` and a
    module's forward calling its own parts stay quiet.

    ## Why is this bad?
    ``nn.Module.__call__`` runs the registered hooks around ``forward``: forward pre-hooks and
    hooks (feature extraction, pruning masks, spectral and weight normalization's
    recomputation in older code, quantization observers), ``torch.fx`` and profiler
    instrumentation, and DataParallel/DDP's scatter and gradient synchronization for a
    wrapped model. ``model.forward(x)`` bypasses all of it silently.

    ## Example
    ```python
    logits = model.forward(images)
    ```

    ## Use instead
    ```python
    logits = model(images)
    ```

    ## References
    - PyTorch documentation, ``torch.nn.Module.forward``: "Although the recipe for forward pass
      needs to be defined within this function, one should call the Module instance afterwards
      instead of this since the former takes care of running the registered hooks while the
      latter silently ignores them."
    - TorchFix and dslinter, checks for direct ``forward`` calls.
    """

    code = "NL312"
    name = "forward-called-directly"
    severity = "note"
    mentions = (".forward(",)

    def check_source(self, path: str, tree: ast.Module, config: Any) -> Iterator[Finding]:
        from netlint.training_code import model_calls_of_forward

        for call, receiver in model_calls_of_forward(path, tree):
            yield self.source_finding(
                path, call,
                f"{receiver}.forward(...) is called directly: the module's hooks (and DataParallel/DDP's "
                "scatter and synchronization, torch.fx and profiler instrumentation) are bypassed",
                f"call the module: {receiver}(...)", subject=f"{receiver}.forward")
