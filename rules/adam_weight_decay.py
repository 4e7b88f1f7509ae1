from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from netlint.fix.changes import Applicability, Autofix, Call, RenameCallee
from netlint.rule import Finding, SourceRule


class AdamWeightDecay(SourceRule):
    """``Adam(weight_decay=…)`` where decoupled ``AdamW`` was meant.

    ## What it does
    Reads training code (with ``ast``) for ``torch.optim.Adam`` given a non-zero
    ``weight_decay`` (a literal, a name assigned once, an ``argparse`` default or the default of
    the function's parameter) and notes
    it at the argument.

    ## Why is this bad?
    ``Adam``'s ``weight_decay`` adds ``λ·w`` to the gradient, which is then divided by Adam's
    running estimate of the gradient's scale: weights with large gradients are barely
    decayed, weights with small ones strongly. That is L2 regularization, and Loshchilov &
    Hutter showed it is not equivalent to weight decay for adaptive optimizers and
    generalizes worse; ``AdamW`` applies the decay to the weights directly, as SGD's weight
    decay does. Most code that passes ``weight_decay`` to ``Adam`` means ``AdamW``.

    ## Example
    ```python
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-4, weight_decay=1e-4)
    ```

    ## Use instead
    ```python
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=1e-2)
    ```
    (decoupled decay is not scaled by the gradient: its usual values are larger, 1e-2 to 5e-2.)

    ## Fix
    Calls ``AdamW`` instead of ``Adam``, with the same arguments. Unsafe: it changes what the
    training does (and the decay's value, tuned for L2, may want raising).

    ## References
    - Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019.
    - PyTorch documentation, ``torch.optim.AdamW``; torch-audit TA402.
    """

    code = "NL502"
    name = "adam-weight-decay"
    severity = "note"
    mentions = ("Adam",)

    def check_source(self, path: str, tree: ast.Module, config: Any) -> Iterator[Finding]:
        # (a file that mentions none of the rule's words never loads these)
        from netlint.graph import Site
        from netlint.training_code import Values, argument, callee, optimizer_calls, parameter_default

        values = Values(tree)
        for call in optimizer_calls(tree):
            if callee(call) != "Adam":
                continue
            node = argument(call, "weight_decay", 4)
            decay = values.number(node) if node is not None else None
            if decay is None and node is not None:
                decay = parameter_default(tree, node)
            if not decay:
                continue
            site = Site(path, call.lineno, call.col_offset + 1, call.end_lineno or call.lineno)
            yield self.source_finding(
                path, node,
                f"Adam with weight_decay={decay:g} is L2 regularization scaled by Adam's per-weight step size, "
                "not weight decay: weights with large gradients are barely decayed (Loshchilov & Hutter 2019)",
                "use torch.optim.AdamW, whose decay is decoupled (its usual weight_decay is 1e-2 to 5e-2), or "
                "leave weight_decay at 0 if L2 regularization was meant", subject="Adam weight_decay",
                autofix=Autofix.of(Applicability.UNSAFE, RenameCallee(Call(site, "Adam"), "AdamW")))
