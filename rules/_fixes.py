"""Fixes several rules declare the same way."""

from __future__ import annotations

from netlint.fix.changes import Autofix, Call, RemoveCall
from netlint.graph import Layer, ModelGraph


def site_problem(graph: ModelGraph, layers: list[Layer]) -> str | None:
    """Why the lines that created the layers cannot be edited for them alone: a library built
    them, or the lines also create other modules (a helper or a loop that builds more)."""
    layer = layers[0]
    if layer.origin is not None:
        return f"the layer is built inside {layer.origin.function}, called at line {layer.origin.site.line}"
    others = also_created(graph, layers)
    if others:
        return f"line {layer.site.line} also creates {others} other layer{'s' * (others != 1)} a fix there would change"
    return None


def removal(graph: ModelGraph, layers: list[Layer], safe: bool) -> Autofix:
    """Remove the activations (a module becomes Identity(), a function call its input): safe
    when ``safe`` and each module is applied once, unsafe when another call shares it."""
    problem = site_problem(graph, layers)
    if problem:
        return Autofix.none(problem)
    layer = layers[0]
    shared = any(sum(x.module is y.module for x in graph.layers) > 1 for y in layers if y.module is not None)
    params = sum({id(x.module): x.params for x in layers if x.module is not None}.values())
    return Autofix.of("safe" if safe and not shared else "unsafe", RemoveCall(Call.of(layer)),
                      params_delta=-params)


def also_created(graph: ModelGraph, layers: list[Layer]) -> int:
    """How many other modules the lines that created ``layers`` created (a helper or a loop
    that builds more than the finding is about): a fix at those lines would change them too."""
    sites = {layer.site for layer in layers if layer.module is not None}
    names = {layer.name for layer in layers}
    return sum(1 for name, site in graph.module_sites.items() if site in sites and name not in names)
