"""Fixes several rules declare the same way."""

from __future__ import annotations

from netlint.fix.changes import Applicability, Autofix, Call, RemoveCall
from netlint.graph import Layer, ModelGraph


def unfixable(graph: ModelGraph, layers: list[Layer], function: str | None = None) -> Autofix | None:
    """No fix, and why, when the lines that created the layers cannot be edited for them
    alone: a library built them, or the lines also create other modules (a helper or a loop
    that builds more); with ``function`` (the reason), when a layer is a function call."""
    layer = layers[0]
    if function is not None and any(x.module is None for x in layers):
        return Autofix.none(function)
    if layer.origin is not None:
        origin = layer.origin
        return Autofix.none(f"the layer is built inside {origin.function}, called at line {origin.site.line}")
    others = also_created(graph, layers)
    if others:
        return Autofix.none(f"line {layer.site.line} also creates {others} other layer{'s' * (others != 1)} "
                            "a fix there would change")
    return None


def removal(graph: ModelGraph, layers: list[Layer], safe: bool) -> Autofix:
    """Remove the activations (a module becomes Identity(), a function call its input): safe
    when ``safe`` and each module is applied once, unsafe when another call shares it."""
    blocked = unfixable(graph, layers)
    if blocked:
        return blocked
    layer = layers[0]
    shared = any(sum(x.module is y.module for x in graph.layers) > 1 for y in layers if y.module is not None)
    params = sum({id(x.module): x.params for x in layers if x.module is not None}.values())
    return Autofix.of(Applicability.SAFE if safe and not shared else Applicability.UNSAFE, RemoveCall(Call.of(layer)),
                      params_delta=-params)


def also_created(graph: ModelGraph, layers: list[Layer]) -> int:
    """How many other modules the lines that created ``layers`` created (a helper or a loop
    that builds more than the finding is about): a fix at those lines would change them too."""
    sites = {layer.site for layer in layers if layer.module is not None}
    names = {layer.name for layer in layers}
    return sum(1 for name, site in graph.module_sites.items() if site in sites and name not in names)
