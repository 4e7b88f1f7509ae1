"""The ModelGraph: the one contract between capture and rules.

Rules see layers, dataflow edges and model facts; never fx nodes or hooks.
The graph is built once by ``capture`` and then only read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Site:
    """Where a statement in source code is: 1-based line and column."""

    path: str
    line: int
    column: int
    end_line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Origin:
    """A call from the user's code into a library that built modules (e.g. ``resnet50()``).

    ``root`` is the first module that call constructed (the ``ResNet`` itself), kept even
    when the model only holds slices of it.
    """

    function: str  # "torchvision.models.resnet.resnet50"
    site: Site  # the user's line that made the call
    root: Any = field(compare=False, repr=False)  # nn.Module


@dataclass(frozen=True)
class WeightsRequest:
    """Evidence that pretrained weights were asked for while the model was built."""

    weights: str  # "ResNet50_Weights.IMAGENET1K_V1", a URL, or a checkpoint's path
    module: str  # qualified name of the submodule that received them ("" = the model)
    origin: Origin | None
    # the module that loaded them, also when the model keeps only parts of it (then one
    # request per part kept, ``module`` naming the part); None if no module loaded them
    receiver: Any = field(default=None, compare=False, repr=False)
    site: Site | None = None  # where the receiver was created: the user's line


@dataclass(frozen=True)
class ParameterInit:
    """An initialization of a whole parameter while the model was built (or by the training
    code's ``model.apply(fn)``): the call is the evidence, values never exist on meta."""

    parameter: str  # qualified name ("fc.weight")
    function: str  # "nn.init.constant_", "nn.init.kaiming_normal_", "fill_", "zero_"
    constant: bool  # it sets every element to one value
    value: float | None  # that value, when the call says (0.0 for zeros_)
    site: Site | None  # the user's line that made the call (or called the library that did)
    by_library: bool = False  # made by a library's code (torchvision's, timm's), not the user's
    applied_by: str = ""  # "model.apply(weights_init) at train.py:12" when the training code ran it

    @property
    def module(self) -> str:
        return self.parameter.rpartition(".")[0]


@dataclass(frozen=True)
class Layer:
    """One module call or functional op in the forward pass."""

    index: int  # position in execution order; also the layer's id in ``edges``
    name: str  # qualified module name ("encoder.layer1.0.bn1") or op name ("relu_1")
    type: str  # module class name ("Conv2d") or function name ("relu")
    op: str  # category shared by module and functional forms ("conv", "batch_norm", …)
    attrs: dict[str, Any] = field(compare=False)  # constructor attributes, same keys for both forms
    input_shapes: tuple[Shape | None, ...] = ()
    output_shape: Shape | None = None
    params: int = 0  # parameters the layer owns (its own weights, or the tensors a function was given)
    site: Site | None = None  # the statement that created the layer (or called the function)
    origin: Origin | None = None
    module: Any = field(default=None, compare=False, repr=False)  # the real nn.Module on meta, if any
    scope: str = ""  # for a functional op: the module whose forward called it ("" = the model's own)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.type})"


@dataclass(frozen=True)
class ModelGraph:
    target: str  # "fixtures/gen.py::Generator"
    class_name: str
    layers: tuple[Layer, ...]
    edges: tuple[tuple[int, int], ...]  # (producer index, consumer index)
    inputs: tuple[int, ...]  # indices of layers that read a model input directly
    outputs: tuple[int, ...]  # indices of layers whose value is a model output
    params: int  # shared parameters once: sum(p.numel() for p in model.parameters())
    trainable_params: int
    buffers: int
    input_shapes: tuple[Shape, ...]
    input_reason: str
    output_shapes: tuple[Shape, ...]
    task: str  # image-to-image | classification | segmentation | unknown
    task_reason: str
    capture: str  # the capture tier that produced the graph ("fx")
    weights_requests: tuple[WeightsRequest, ...] = ()
    built_on: str = "meta"  # "meta-with-cpu-values" (load/deferred), or "cpu" (a full CPU build) when meta fails
    module_sites: dict[str, Site] = field(default_factory=dict, compare=False, repr=False)
    notes: tuple[str, ...] = ()  # how the graph was captured: fallbacks and why (shown with -v)
    # parameters (qualified names, shared ones once) that neither an eval-mode nor a
    # training-mode eager forward read; None when the forward was not run
    unused_parameters: tuple[str, ...] | None = None
    # the example input is netlint's own reduced choice (a small side to run on the CPU), not the
    # model's or the user's: rules that judge spatial sizes stay quiet on it
    reduced_input: bool = False
    model: Any = field(default=None, compare=False, repr=False)  # the nn.Module on meta
    # what the training code does to the model (netlint.training_code.TrainingCode), None when not read
    training: Any = field(default=None, compare=False, repr=False)
    inits: tuple[ParameterInit, ...] = ()  # the initializations of parameters, in the order they ran
    _consumers: dict[int, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)
    _producers: dict[int, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        consumers: dict[int, list[int]] = {}
        producers: dict[int, list[int]] = {}
        for src, dst in self.edges:
            consumers.setdefault(src, []).append(dst)
            producers.setdefault(dst, []).append(src)
        self._consumers.update((k, tuple(v)) for k, v in consumers.items())
        self._producers.update((k, tuple(v)) for k, v in producers.items())

    def site_of(self, module_name: str) -> Site | None:
        """Where the submodule (called or not) was created: the user's line."""
        return nearest_entry(self.module_sites, module_name)

    def consumers(self, layer: Layer) -> list[Layer]:
        """Layers that read this layer's output."""
        return [self.layers[i] for i in self._consumers.get(layer.index, ())]

    def producers(self, layer: Layer) -> list[Layer]:
        """Layers whose output this layer reads."""
        return [self.layers[i] for i in self._producers.get(layer.index, ())]

    def of_op(self, *ops: str) -> Iterator[Layer]:
        return (layer for layer in self.layers if layer.op in ops)

    def feeds(self, layer: Layer, through: Callable[[Layer], bool]) -> list[Layer]:
        """The layers that receive this layer's output, looking through a chain of
        single-input layers for which ``through`` holds (e.g. a norm or an activation)."""
        found: list[Layer] = []
        stack = self.consumers(layer)
        seen: set[int] = set()
        while stack:
            nxt = stack.pop()
            if nxt.index in seen:
                continue
            seen.add(nxt.index)
            if through(nxt) and len(self._producers.get(nxt.index, ())) == 1:
                stack.extend(self.consumers(nxt))
            else:
                found.append(nxt)
        return sorted(found, key=lambda x: x.index)


def nearest_entry(by_name: dict[str, Any], name: str) -> Any:
    """The entry for a qualified module name, else for its nearest ancestor (a module made
    by ``copy.deepcopy`` has no creation record of its own)."""
    while True:
        if name in by_name:
            return by_name[name]
        if not name:
            return None
        name = name.rpartition(".")[0]
