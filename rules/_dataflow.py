"""Small questions several rules ask about dataflow and layer kinds, answered from the
ModelGraph only."""

from __future__ import annotations

from collections.abc import Callable

from netlint.graph import Layer, ModelGraph


def creation_key(layer: Layer) -> object:
    """What groups the layers one line created: the site, or the layer itself when its line is
    unknown (layers without a site must not all fall into one group)."""
    return layer.site if layer.site is not None else ("layer", layer.name)


def tensor_producers(graph: ModelGraph, layer: Layer) -> list[Layer]:
    """The producers whose output is a tensor the layer reads: ``x.size(0)`` in
    ``x.view(x.size(0), -1)`` is a producer too, but its output has no shape."""
    producers = graph.producers(layer)
    tensors = [p for p in producers if p.output_shape is not None]
    return tensors if tensors or not producers else producers


def source_of(graph: ModelGraph, layer: Layer, through: Callable[[Layer], bool]) -> tuple[Layer | None, list[Layer]]:
    """The layer whose output reaches ``layer`` through a chain of single-input layers for
    which ``through`` holds, and that chain (nearest first). ``None`` when the chain starts at
    a model input or a layer reads several tensors."""
    chain: list[Layer] = []
    current = layer
    while True:
        producers = tensor_producers(graph, current)
        if len(producers) != 1:
            return None, chain
        producer = producers[0]
        if not through(producer):
            return producer, chain
        chain.append(producer)
        current = producer


def activation_kind(layer: Layer) -> str | None:
    """One name for an activation whatever form it was written in: ``nn.LeakyReLU``,
    ``F.leaky_relu`` and ATen ``leaky_relu_`` are all ``"leakyrelu"``."""
    if layer.op != "activation":
        return None
    return layer.type.strip("_").replace("_", "").lower()


def spatial(shape: tuple[int, ...] | None, dims: int) -> tuple[int, ...] | None:
    """The last ``dims`` sizes of an (N, C, *spatial) shape, or None when unknown."""
    if shape is None or len(shape) < dims + 1:
        return None
    return tuple(shape[-dims:])


def fmt_shape(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape))


def only_reader(graph: ModelGraph, layer: Layer) -> Layer | None:
    """The one layer that reads ``layer``'s output, looking through identity and dropout
    layers that feed nothing else and are not model outputs (what NL103 and NL106 compose)."""
    current = layer
    while True:
        if current.index in graph.outputs:
            return None
        readers = graph.consumers(current)
        if len(readers) != 1 or len(graph.producers(readers[0])) != 1:
            return None
        if readers[0].op not in ("identity", "dropout"):
            return readers[0]
        current = readers[0]
