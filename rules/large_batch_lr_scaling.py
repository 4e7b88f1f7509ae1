from __future__ import annotations

import ast
import math
from collections.abc import Iterator
from typing import Any

from netlint.rule import Finding, SourceRule

OPTIMIZERS = ("SGD", "Adam", "AdamW")
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
        training = config.training
        values = _Values(tree)
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        optimizers = [c for c in calls if _callee(c) in OPTIMIZERS]
        if not optimizers:
            return  # not a training script
        loaders = [c for c in calls if _callee(c) == "DataLoader"]
        batch, batch_node = _training_batch(loaders, values)
        if batch is None:
            batch, batch_node = training.batch_size, (loaders[0] if loaders else optimizers[0])
        reference = training.reference_batch_size
        if batch is None or batch <= reference:
            return
        k = batch / reference
        for call in optimizers:
            yield from self._scaling(path, call, _callee(call), batch, k, values, training)
        if batch > GOYAL_LARGEST_BATCH:
            yield self.source_finding(
                path, batch_node,
                f"batch size {batch:,} is past {GOYAL_LARGEST_BATCH:,}, the largest minibatch Goyal et al. "
                "2017 trained without loss of accuracy; large batches tend to converge to sharp minima "
                "that generalize worse (Keskar et al. 2017)",
                f"keep the batch at or below {GOYAL_LARGEST_BATCH:,}, or compare the validation accuracy "
                "with a small-batch run (layer-wise scaling such as LARS or LAMB may be needed)",
                severity="note", subject="batch size")
        if not _has_warmup(tree):
            yield self.source_finding(
                path, batch_node,
                f"batch size {batch:,} is {k:g}× the reference {reference} and no learning-rate warmup is "
                "in this file: Goyal et al. 2017 needed a gradual warmup to train at large batch sizes, "
                "which otherwise converge to sharp minima that generalize worse (Keskar et al. 2017)",
                f"warm the learning rate up linearly over the first ~5 epochs, e.g. "
                f"torch.optim.lr_scheduler.LinearLR(optimizer, start_factor={1 / k:.3g}, "
                "total_iters=5 * steps_per_epoch)",
                severity="note", subject="warmup")

    def _scaling(self, path: str, call: ast.Call, kind: str, batch: int, k: float, values: _Values,
                 training) -> Iterator[Finding]:
        reference_lr = training.reference_lr or GOYAL_REFERENCE_LR.get(kind)
        node = _argument(call, "lr", 1)
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


def _callee(call: ast.Call) -> str:
    """The called name's last part: ``torch.optim.SGD(...)`` -> ``SGD``."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _argument(call: ast.Call, keyword: str, position: int) -> ast.expr | None:
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    return positional[position] if len(positional) > position and len(positional) == len(call.args) else None


def _training_batch(loaders: list[ast.Call], values: _Values) -> tuple[int | None, ast.AST | None]:
    """The batch size of the training loader: the one that shuffles, else the first that says."""
    def shuffles(call: ast.Call) -> bool:
        node = _argument(call, "shuffle", 2)
        return isinstance(node, ast.Constant) and node.value is True

    for call in sorted(loaders, key=lambda c: not shuffles(c)):
        node = _argument(call, "batch_size", 1)
        batch = values.number(node) if node is not None else None
        if batch is not None and batch == int(batch) and batch > 0:
            return int(batch), node
    return None, None


def _has_warmup(tree: ast.Module) -> bool:
    """A learning-rate warmup: a name, attribute, argument or string that mentions warmup, an
    increasing ``LinearLR``, or ``OneCycleLR`` (which starts with one). Docstrings do not count."""
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    for node in ast.walk(tree):
        if id(node) in docstrings:
            continue
        text = (node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute)
                else node.arg if isinstance(node, (ast.arg, ast.keyword)) and node.arg
                else node.name if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                else node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else "")
        if "warmup" in text.lower().replace("_", "").replace("-", "").replace(" ", ""):
            return True
        if isinstance(node, ast.Call) and _callee(node) == "OneCycleLR":
            return True
        if isinstance(node, ast.Call) and _callee(node) == "LinearLR":
            start, end = _argument(node, "start_factor", 1), _argument(node, "end_factor", 2)
            start_value = _Values.literal(start) if start is not None else 1 / 3
            end_value = _Values.literal(end) if end is not None else 1.0
            if start_value is None or end_value is None or start_value < end_value:
                return True
    return False


class _Values:
    """Numbers the file spells out: literals, arithmetic on them, names assigned once in the
    file, and ``args.NAME`` for an ``argparse`` option with a literal default."""

    def __init__(self, tree: ast.Module) -> None:
        bound: dict[str, list[ast.expr | None]] = {}  # name -> what it is bound to (None: unknown)
        self.defaults: dict[str, ast.expr] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            bound.setdefault(name.id, []).append(node.value if name is target else None)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                bound.setdefault(node.target.id, []).append(node.value)
            elif isinstance(node, (ast.AugAssign, ast.For, ast.comprehension, ast.withitem, ast.NamedExpr)):
                target = getattr(node, "target", None) or getattr(node, "optional_vars", None)
                for name in ast.walk(target) if target is not None else ():
                    if isinstance(name, ast.Name):
                        bound.setdefault(name.id, []).append(None)
            elif isinstance(node, ast.arg):  # a function's parameter shadows any constant
                bound.setdefault(node.arg, []).append(None)
            elif isinstance(node, ast.Call) and _callee(node) == "add_argument":
                self._argparse_default(node)
        self.names = {name: nodes[0] for name, nodes in bound.items() if len(nodes) == 1 and nodes[0] is not None}

    def _argparse_default(self, call: ast.Call) -> None:
        default = next((k.value for k in call.keywords if k.arg == "default"), None)
        dest = next((k.value.value for k in call.keywords if k.arg == "dest" and isinstance(k.value, ast.Constant)),
                    None)
        flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        long = [f for f in flags if f.startswith("--")] or flags
        if default is None or not long:
            return
        self.defaults[dest or long[0].lstrip("-").replace("-", "_")] = default

    def number(self, node: ast.expr, depth: int = 0) -> float | None:
        if depth > 20:
            return None
        if isinstance(node, ast.Name) and node.id in self.names:
            return self.number(self.names[node.id], depth + 1)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr in self.defaults:
            return self.number(self.defaults[node.attr], depth + 1)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self.number(node.operand, depth + 1)
            return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
        if isinstance(node, ast.BinOp):
            left, right = self.number(node.left, depth + 1), self.number(node.right, depth + 1)
            if left is None or right is None:
                return None
            try:
                value = _BINARY[type(node.op)](left, right)
            except (KeyError, ZeroDivisionError, OverflowError):
                return None
            return value if math.isfinite(value) else None
        return self.literal(node)

    @staticmethod
    def literal(node: ast.expr | None) -> float | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return node.value
        return None


_BINARY = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.FloorDiv: lambda a, b: a // b,
    ast.Pow: lambda a, b: a ** b if abs(b) <= 64 else math.inf,
}
