from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from netlint.graph import ModelGraph, ParameterInit, Site
from netlint.rule import Finding, Rule


class RepeatedInit(Rule):
    """A parameter's initialization overridden by a later random one.

    ## What it does
    Reads how the model's parameters were initialized while it was built (``nn.init.*`` calls
    and in-place fills in ``__init__``, the methods it calls, ``self.apply(fn)``) and by the
    training code's ``model.apply(fn)`` when the model's file defines ``fn``; notes a call of
    the project's code whose effect a later call of the project's code replaces with a random
    initialization of the same parameters. The note is at the overridden call, and names the
    call that wins. A later *constant* initialization is left alone: zeroing a chosen layer
    after a general scheme (``zero_init_residual``, a zero-initialized head) is the usual,
    deliberate override. Layers' own default initializations and a library's are not counted.
    A ``model.apply(fn)`` inside the training loop (a loop that back-propagates or steps the
    optimizer) is a warning: it initializes the model again on every pass.

    ## Why is this bad?
    Only the last initialization counts. The earlier one is dead code that reads as the
    model's scheme: a reader (or the author, tuning it) believes the network starts with Kaiming
    weights when a ``model.apply(weights_init)`` in the training script has replaced them with
    ``N(0, 0.02)``. Results then depend on which call runs last, and changing the visible one
    changes nothing. An initialization inside the training loop is worse: each epoch starts
    again from random weights (NeuraLint's MultipleInits: the initializer run in the loop).

    ## Example
    ```python
    class Net(nn.Module):
        def __init__(self):
            ...
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight)

    model = Net()
    model.apply(weights_init)  # normal_(0, 0.02) on every Conv2d: the Kaiming init is gone
    ```

    ## Use instead
    One place that initializes each parameter: drop one of the two calls, or make the second
    apply only to the layers the first does not.

    ## References
    - Nikanjam et al., "Automatic Fault Detection for Deep Learning Programs Using Graph
      Transformations", TOSEM 2021 (NeuraLint's MultipleInits).
    - PyTorch documentation, ``torch.nn.init`` and ``nn.Module.apply``.
    """

    code = "NL314"
    name = "repeated-init"
    severity = "note"
    needs = frozenset({"modules"})

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        history: dict[str, list[ParameterInit]] = defaultdict(list)
        for init in graph.inits:
            if not init.by_library:
                history[init.parameter].append(init)
        overridden: dict[object, list[tuple[ParameterInit, ParameterInit]]] = defaultdict(list)
        for inits in history.values():
            final = inits[-1]
            if final.constant:
                continue
            earlier = next((x for x in reversed(inits[:-1]) if x.site != final.site), None)
            if earlier is not None and earlier.site is not None:
                overridden[(earlier.site, final.site)].append((earlier, final))
        for pairs in overridden.values():
            yield self._finding(graph, pairs)
        weighted = [layer for layer in graph.layers if layer.params and layer.module is not None]
        for call in graph.training.applies if graph.training else ():
            if call.in_training_loop and weighted:
                yield self.finding(  # about the layers it initializes again, reported at the apply call
                    graph, weighted[0],
                    f"model.apply({call.function}) runs inside the training loop: every pass initializes the "
                    "weights again and throws away what the steps before it learned",
                    "initialize once, after building the model and before the loop", severity="warning",
                    site=Site(call.path, call.line, 1, call.line), covers=weighted)

    def _finding(self, graph: ModelGraph, pairs: list[tuple[ParameterInit, ParameterInit]]) -> Finding:
        earlier, final = pairs[0]
        names = f"{earlier.parameter}" if len(pairs) == 1 else f"{len(pairs)} parameters ({earlier.parameter} " \
            f"and {len(pairs) - 1} more)"
        later = f"run by {final.applied_by}" if final.applied_by else \
            f"at line {final.site.line}" if final.site else "later"
        again = "it" if len(pairs) == 1 else "them"
        return self.finding(
            graph, earlier.module,
            f"{earlier.function} initializes {names}, then {final.function} ({later}) initializes {again} again: "
            "the first initialization has no effect",
            "keep one initialization for each parameter (drop one call, or restrict the later one to the layers "
            "it is meant for)",
            site=earlier.site, covers=[e.module for e, _ in pairs],
        )
