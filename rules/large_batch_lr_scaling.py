from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from netlint.rule import Finding, SourceRule

if TYPE_CHECKING:
    from netlint.training_code import Values

SCALED = ("SGD", "Adam", "AdamW")  # the optimizers whose lr this rule judges
DEFAULT_LR = 1e-3  # torch.optim.SGD, Adam and AdamW when no lr is given
GOYAL_REFERENCE_LR = {"SGD": 0.1}  # per reference batch (256): Goyal et al.'s ResNet-50 recipe
GOYAL_LARGEST_BATCH = 8192  # the largest minibatch Goyal et al. trained without loss of accuracy
TOLERANCE = 0.5  # the lr may be within ±50% of the scaled value


class LargeBatchLrScaling(SourceRule):
    """A large batch whose learning rate is not scaled with it, or trained without warmup.

    ## What it does
    Reads training scripts (with ``ast``; nothing is run): the batch size of the training
    ``DataLoader(..., batch_size=B)`` and the ``lr`` of ``SGD``/``Adam``/``AdamW(..., lr=L)``,
    when the file gives them as literals (directly, through a variable assigned once, or as
    an ``argparse`` default), else ``batch-size`` and ``lr`` from ``[tool.netlint.training]``.
    When B is k× ``reference-batch-size`` (default 256) and L is not within ±50% of
    k × ``reference-lr``, it warns and gives the scaled value. For ``SGD`` the reference lr
    defaults to Goyal et al.'s 0.1 per 256; for ``Adam``/``AdamW``, whose usual learning
    rates are of another scale, only when ``reference-lr`` is set. For a batch above the
    reference it also adds a note when B is above 8192 or the file has no warmup scheduler
    (a name mentioning warmup, an increasing ``LinearLR``, or ``OneCycleLR``).

    ## Why is this bad?
    With k times larger minibatches, SGD takes k times fewer steps per epoch; to follow the
    same trajectory each step must go k times further. Goyal et al. (2017) trained ResNet-50
    on ImageNet with minibatches up to 8192 at the small-batch accuracy by multiplying the
    learning rate by k (0.1 · B/256) and warming it up gradually over the first 5 epochs;
    without the scaling a large batch converges slower and to a worse model, and without
    warmup the early, large steps diverge. Past 8192 their accuracy dropped even with both,
    and Keskar et al. (2017) found that large batches tend to converge to sharp minima that
    generalize worse.

    A ``DataLoader``'s ``batch_size`` is per process: under DistributedDataParallel the
    minibatch is that times the number of processes. Set ``[tool.netlint.training]
    batch-size`` to the total (and keep ``batch_size`` non-literal) for such scripts, and
    set ``reference-batch-size``/``reference-lr`` to a pair tuned for your own model.

    ## Example
    ```python
    loader = DataLoader(train_set, batch_size=4096, shuffle=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    ```

    ## Use instead
    ```python
    loader = DataLoader(train_set, batch_size=4096, shuffle=True)          # k = 4096 / 256 = 16
    optimizer = torch.optim.SGD(model.parameters(), lr=1.6, momentum=0.9)  # 16 × 0.1
    warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=1 / 16, total_iters=5 * steps_per_epoch)
    ```

    ## References
    - Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour",
      arXiv:1706.02677, 2017, §2.1 (linear scaling rule), §2.2 (gradual warmup), §5.1.
    - Keskar et al., "On Large-Batch Training for Deep Learning: Generalization Gap and Sharp
      Minima", ICLR 2017.
    """

    code = "NL501"
    name = "large-batch-lr-scaling"
    severity = "warning"
    mentions = ("DataLoader", "SGD", "Adam")

    def check_source(self, path: str, tree: ast.Module, config: Any) -> Iterator[Finding]:
        # (imported here: a file that mentions none of the rule's words never loads them)
        from netlint.training_code import Values, callee, has_warmup, optimizer_calls, training_batch

        training = config.training
        values = Values(tree)
        optimizers = [c for c in optimizer_calls(tree) if callee(c) in SCALED]
        if not optimizers:
            return  # not a training script
        loaders = [c for c in ast.walk(tree) if isinstance(c, ast.Call) and callee(c) == "DataLoader"]
        batch, batch_node = training_batch(loaders, values)
        if batch is None:
            batch, batch_node = training.batch_size, (loaders[0] if loaders else optimizers[0])
        reference = training.reference_batch_size
        if batch is None or batch <= reference:
            return
        k = batch / reference
        for call in optimizers:
            yield from self._scaling(path, call, callee(call), batch, k, values, training)
        if batch > GOYAL_LARGEST_BATCH:
            yield self.source_finding(
                path, batch_node,
                f"batch size {batch:,} is past {GOYAL_LARGEST_BATCH:,}, the largest minibatch Goyal et al. "
                "2017 trained without loss of accuracy; large batches tend to converge to sharp minima "
                "that generalize worse (Keskar et al. 2017)",
                f"keep the batch at or below {GOYAL_LARGEST_BATCH:,}, or compare the validation accuracy "
                "with a small-batch run (layer-wise scaling such as LARS or LAMB may be needed)",
                severity="note", subject="batch size")
        if not has_warmup(tree):
            yield self.source_finding(
                path, batch_node,
                f"batch size {batch:,} is {k:g}× the reference {reference} and no learning-rate warmup is "
                "in this file: Goyal et al. 2017 needed a gradual warmup to train at large batch sizes, "
                "which otherwise converge to sharp minima that generalize worse (Keskar et al. 2017)",
                f"warm the learning rate up linearly over the first ~5 epochs, e.g. "
                f"torch.optim.lr_scheduler.LinearLR(optimizer, start_factor={1 / k:.3g}, "
                "total_iters=5 * steps_per_epoch)",
                severity="note", subject="warmup")

    def _scaling(self, path: str, call: ast.Call, kind: str, batch: int, k: float, values: Values,
                 training) -> Iterator[Finding]:
        from netlint.training_code import argument

        reference_lr = training.reference_lr or GOYAL_REFERENCE_LR.get(kind)
        node = argument(call, "lr", 1)
        lr, shown = (values.number(node) if node is not None else None), ""
        if lr is None and training.lr is not None:
            lr, shown = training.lr, " ([tool.netlint.training] lr)"
        elif lr is None and node is None and all(keyword.arg is not None for keyword in call.keywords):
            lr, shown = DEFAULT_LR, f" ({kind}'s default)"  # (with **kwargs, lr may be in them)
        if lr is None or reference_lr is None:
            return
        node = node or call
        scaled = k * reference_lr
        if abs(lr - scaled) <= TOLERANCE * scaled:
            return
        yield self.source_finding(
            path, node,
            f"batch size {batch:,} is {k:g}× the reference {training.reference_batch_size}, but {kind} "
            f"lr {lr:g}{shown} is not within ±50% of {k:g} × {reference_lr:g} = {scaled:.4g}: the linear "
            "scaling rule (Goyal et al. 2017) multiplies the learning rate by k, with a gradual warmup",
            f"lr={scaled:.4g}, warmed up from {reference_lr:g} over the first ~5 epochs (or set "
            "reference-batch-size and reference-lr in [tool.netlint.training] to a pair tuned for this model)",
            subject=f"{kind} lr")
