from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from netlint.rule import Finding, SourceRule


class OptimizerStepWithoutLoop(SourceRule):
    """An optimizer step that runs once: the training code has no loop around it.

    ## What it does
    Reads training scripts (with ``ast``; nothing is run) for ``optimizer.step()`` calls that
    are in no ``for``/``while`` loop, neither where they are written nor where the function
    holding them is called: the step at a script's top level, or in a ``train()`` that the
    ``__main__`` block (or another function called once) calls once. A ``train_step()`` that a
    loop calls, a function the file never calls (another file's loop may), a callback, a
    test function and ``LBFGS``'s ``step(closure)`` (it iterates inside) stay quiet.

    ## Why is this bad?
    Gradient descent is many small steps: one step over one batch moves the weights by
    ``lr × gradient`` once, and the model that is then evaluated or saved is, for any purpose,
    its random initialization. The script runs without an error, so the mistake shows only as
    chance-level accuracy. NeuraLint calls it NoMainLoop: the training operation is never
    iterated.

    ## Example
    ```python
    def train():
        images, labels = next(iter(loader))
        loss = criterion(model(images), labels)
        loss.backward()
        optimizer.step()

    if __name__ == "__main__":
        train()
    ```

    ## Use instead
    ```python
    def train(epochs):
        for epoch in range(epochs):
            for images, labels in loader:
                optimizer.zero_grad()
                loss = criterion(model(images), labels)
                loss.backward()
                optimizer.step()
    ```

    ## References
    - Nikanjam, Braiek, Morovati, Khomh, "Automatic Fault Detection for Deep Learning Programs
      Using Graph Transformations", TOSEM 2021: the NoMainLoop rule.
    - PyTorch tutorials, "Optimizing Model Parameters": the optimization loop, one step per batch.
    """

    code = "NL504"
    name = "optimizer-step-without-loop"
    severity = "warning"
    mentions = (".step()",)

    def check_source(self, path: str, tree: ast.Module, config: Any) -> Iterator[Finding]:
        from netlint.training_code import single_steps

        for step in single_steps(path, tree):
            how = "at the file's top level" if not step.chain else ", ".join(
                f"in {name}() called once at line {line}" for name, line in step.chain)
            yield self.source_finding(
                path, step.call,
                f"{step.optimizer}.step() runs once: no loop surrounds it ({how}), so the model takes a single "
                "gradient step and stays near its initialization",
                "iterate the training step: for epoch in range(epochs): for batch in loader: ... "
                f"{step.optimizer}.step()", subject=f"{step.optimizer}.step")
