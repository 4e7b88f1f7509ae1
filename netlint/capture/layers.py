"""Layer records shared by every capture tier: the same Layer for the same module or
function, whichever tier saw it."""

from __future__ import annotations

import dataclasses
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.utils._pytree import tree_leaves

from netlint.capture import ops
from netlint.graph import Layer, Shape, Site, nearest_entry
from netlint.load.construct import BuiltModel



class ForwardError(Exception):
    """The forward failed at the example input; ``where`` names the layer that raised."""

    def __init__(self, where: str, cause: BaseException, failed: Any = None) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.where = where
        self.failed = failed  # the leaf call that failed, when the eager tier knows it (capture.eager.FailedCall)


@dataclass
class Trace:
    """What one capture tier saw of a forward pass."""

    layers: list[Layer] = field(default_factory=list)
    edges: list[tuple[int, int]] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)  # layers that read a model input
    outputs: list[int] = field(default_factory=list)  # layers whose value is returned
    output_shapes: list[Shape] = field(default_factory=list)
    used_parameters: set[int] = field(default_factory=set)  # ids of the parameters the forward read
    # what each leaf call returned on meta, by (module name, occurrence): another tier running
    # the same call on the same tensor shapes takes the result instead of computing it again
    module_results: dict[tuple[str, int], tuple[tuple, Any]] = field(default_factory=dict, repr=False)
    # the calls of submodules that are not leaves (a decoder): (name, first input shape, first
    # output shape), in the order they returned (recorded by the eager tier)
    module_calls: list[tuple[str, Shape | None, Shape | None]] = field(default_factory=list)

    def leaf_calls(self) -> Counter:
        """How often each leaf module was called: what the tiers are compared on."""
        return Counter(layer.name for layer in self.layers if layer.module is not None)

    def add(self, layer: Layer, producers: list[int], reads_input: bool) -> None:
        self.layers.append(layer)
        self.edges.extend((p, layer.index) for p in dict.fromkeys(producers))
        if reads_input:
            self.inputs.append(layer.index)


def tensor_signature(value: Any) -> tuple:
    """The shapes and dtypes of the tensors in a nested value."""
    return tuple((tuple(t.shape), t.dtype) for t in leaves(value) if isinstance(t, torch.Tensor))


def leaves(obj: Any) -> list[Any]:
    """The leaves of a nested value (tuples, lists, dicts, named tuples, dataclasses)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [leaf for f in dataclasses.fields(obj) for leaf in leaves(getattr(obj, f.name))]
    found = tree_leaves(obj)
    if len(found) == 1 and found[0] is obj:
        return [obj]
    return [leaf for item in found for leaf in leaves(item)]


# Keys of a returned dict that name the model's result, before its other entries (masks,
# flows, intermediate maps): First Order Motion's "prediction", a GAN's "fake"
OUTPUT_KEYS = ("prediction", "pred", "out", "output", "outputs", "result", "image", "img", "fake", "fake_image",
               "generated", "rgb", "recon", "reconstruction", "restored", "sr", "hr")


def returned_leaves(output: Any) -> list[Any]:
    """The leaves of a forward's result, those of a dict's entries named as the result first
    (``{'mask': …, 'prediction': …}``: the prediction); None entries are no output."""
    if isinstance(output, dict):
        named = [key for key in output if isinstance(key, str) and key.lower() in OUTPUT_KEYS]
        named.sort(key=lambda key: OUTPUT_KEYS.index(key.lower()))
        output = [output[key] for key in [*named, *(k for k in output if k not in named)]]
    return [leaf for leaf in leaves(output) if leaf is not None]


def module_layer(index: int, name: str, module: nn.Module, inputs: tuple, output: Shape | None,
                 built: BuiltModel, fallback_site: Site | None = None) -> Layer:
    # a module held at two places (``self.enc0 = nn.Sequential(self.features.conv0, ...)``) is
    # recorded under its first name: it keeps its creation site whichever name the forward used
    recorded = _first_names(built.model).get(id(module), name)
    return Layer(
        index=index, name=name, type=type(module).__name__, op=ops.module_op(module),
        attrs=ops.module_attrs(module), input_shapes=inputs, output_shape=output,
        params=sum(p.numel() for p in module.parameters()),
        site=nearest_entry(built.sites, recorded) or fallback_site,
        origin=nearest_entry(built.origins, recorded), module=module,
    )


_first_names_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _first_names(model: nn.Module) -> dict[int, str]:
    """Each module's first qualified name, as the creation records are keyed."""
    names = _first_names_cache.get(model)
    if names is None:
        names = _first_names_cache[model] = {id(m): n for n, m in model.named_modules()}
    return names


def function_layer(index: int, name: str, kind: str, op: str, arguments: dict[str, Any],
                   inputs: tuple, output: Shape | None, params: int, site: Site | None,
                   scope: str = "") -> Layer:
    """A functional op; ``arguments`` are its arguments by name, tensors given as shapes;
    ``scope`` the qualified name of the module whose forward called it."""
    return Layer(index=index, name=name, type=kind, op=op, attrs=ops.function_attrs(op, arguments),
                 input_shapes=inputs, output_shape=output, params=params, site=site, scope=scope)


def bind(op: str, args: tuple, kwargs: dict) -> dict[str, Any]:
    """A functional call's arguments by name (for the ops whose attributes rules read)."""
    bound = dict(zip(ops.FUNCTION_PARAMETERS.get(op, ()), args))
    bound.update(kwargs)
    return bound
