"""Capture tier 3: run the forward eagerly (on meta, or on the CPU) and record it.

Forward hooks on every module record the calls of leaf modules (the same leaves as fx:
modules of torch.nn); a TorchFunctionMode records the functional ops between them
(``F.relu``, ``x + y``, ``x.view``). Dataflow follows tensor identity. Because it runs the
real Python, it sees branches fx drops and control flow fx cannot trace.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import torch
import torch.fx as fx
from torch import nn
from torch.overrides import TorchFunctionMode

from netlint.capture import ops
from netlint.capture.readers import conv_reads
from netlint.capture.layers import (ForwardError, Trace, bind, function_layer, leaves, module_layer, returned_leaves,
                                    tensor_signature)
from netlint.graph import Shape
from netlint.load.construct import BuiltModel
from netlint.load.pinned_device import device_of, pinned_to
from netlint.meta_shapes import MetaShapes
from netlint.sites import site_of_caller

_IGNORED = {"__get__", "__set__", "size", "dim", "numel", "__len__", "__bool__", "__format__",
            "__repr__", "__hash__", "__eq__", "requires_grad_", "is_floating_point", "__index__",
            "__int__", "__float__", "tolist", "item", "element_size", "stride",
            "cuda", "cpu", "get_device"}  # device moves: the fx graph drops them too


_TRACER = fx.Tracer()


@dataclass(frozen=True)
class FailedCall:
    """The layer whose call failed (a leaf module, or a functional op such as ``F.conv2d`` in a
    module's forward), what it was given, how many channels it takes, which model input that
    was when it is one seen through functional ops only (a chunk, a slice, a reshape), and
    every model input it comes from through any layers (``behind``)."""

    name: str
    kind: str  # the module's class or the function's name: "Conv2d", "conv2d"
    shapes: tuple[Shape, ...]
    from_input: int | None
    takes: int | None = None  # the channels (dim 1) the layer reads, or its features (last dim)
    behind: tuple[int, ...] = ()
    axis: int = 1  # where ``takes`` is read: 1 (a convolution's channels), -1 (a Linear's features)

    def channels(self) -> tuple[int, int] | None:
        """(channels given, channels the layer takes), when they differ."""
        return self._given_and_taken(1)

    def features(self) -> tuple[int, int] | None:
        """(features given, features a Linear takes), when they differ."""
        return self._given_and_taken(-1)

    def _given_and_taken(self, axis: int) -> tuple[int, int] | None:
        if axis != self.axis or not self.shapes or len(self.shapes[0]) < 2:
            return None
        given = self.shapes[0][axis]
        return (given, self.takes) if isinstance(self.takes, int) and given != self.takes else None


def _module_takes(module: nn.Module) -> tuple[int | None, int]:
    """What the module reads, and along which axis (see FailedCall)."""
    if isinstance(module, nn.Linear):
        return module.in_features, -1
    if isinstance(module, nn.modules.conv._ConvNd):
        return conv_reads(module), 1
    takes = getattr(module, "in_channels", None) or getattr(module, "num_features", None)
    return (takes if isinstance(takes, int) else None), 1


_NORMS = ("batch_norm", "instance_norm", "group_norm")


def _function_takes(func, args: tuple, kwargs: dict) -> tuple[torch.Tensor, int, int] | None:
    """The tensor a functional convolution, normalization or linear reads, the channels (or
    features) its weights take (a partial convolution's mask updater, a weight kept as a
    buffer), and the axis they are read along."""
    op = ops.function_op(func)
    bound = bind(op, args, kwargs)
    tensors = [t for t in leaves((args, kwargs)) if isinstance(t, torch.Tensor)]
    if not tensors or tensors[0].dim() < 2:
        return None
    weight = bound.get("weight")
    if op in ("conv", "conv_transpose") and isinstance(weight, torch.Tensor) and weight.dim() >= 3:
        groups = bound.get("groups", 1)
        groups = groups if isinstance(groups, int) else 1
        return tensors[0], weight.shape[0] if op == "conv_transpose" else weight.shape[1] * groups, 1
    if op == "linear" and isinstance(weight, torch.Tensor) and weight.dim() == 2:
        return tensors[0], weight.shape[1], -1
    if op in _NORMS:
        per_channel = next((t for t in tensors[1:] if t.dim() == 1), None)
        return (tensors[0], per_channel.shape[0], 1) if per_channel is not None else None
    return None


def is_leaf(module: nn.Module) -> bool:
    """fx's definition: modules of torch.nn are leaves, containers are not."""
    return _TRACER.is_leaf_module(module, "")


class _Recorder(TorchFunctionMode):
    def __init__(self, model: nn.Module, inputs: list[torch.Tensor], built: BuiltModel) -> None:
        super().__init__()
        self.names = {id(m): name for name, m in model.named_modules(remove_duplicate=False)}
        self.built = built
        self.trace = Trace()
        self.producer: dict[int, int] = {}  # id(tensor) -> index of the layer that made it
        self.inputs = {id(t) for t in leaves(inputs)}  # a list input's tensors are inputs too
        self.keep: list[Any] = leaves(inputs)  # tensors stay alive so their ids stay unique
        self.leaf_depth = 0  # > 0 while a leaf module runs: its inner ops are part of it
        self.pending: list[tuple[nn.Module, list[torch.Tensor], tuple]] = []
        self.running: list[str] = []  # names of the modules whose forward is running
        self.calls: Counter = Counter()  # leaf calls so far, by module name
        self.input_position = {id(t): i for i, value in enumerate(inputs) for t in leaves(value)}
        self.reads: dict[int, set[int]] = {}  # layer index -> positions of the model inputs it reads
        self.reading: list[Shape | None] = []  # the first input of each running submodule that is no leaf
        self.failed_function: tuple | None = None  # (func, args, kwargs, scope) of the last op that raised

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        try:
            result = func(*args, **kwargs)
        except Exception:
            if self.leaf_depth == 0:
                self.failed_function = func, args, kwargs, self.running[-1] if self.running else ""
            raise
        name = getattr(func, "__name__", "")
        if self.leaf_depth == 0 and name not in _IGNORED:
            outputs = [t for t in leaves(result) if isinstance(t, torch.Tensor)]
            if outputs:
                self._function(func, name, args, kwargs, outputs)
        return result

    def _function(self, func, name: str, args: tuple, kwargs: dict, outputs: list[torch.Tensor]) -> None:
        is_method = "Tensor" in getattr(func, "__qualname__", "") or name.startswith("__")
        op = ops.method_op(name) if is_method else ops.function_op(func)
        tensors = [t for t in leaves((args, kwargs)) if isinstance(t, torch.Tensor)]

        def shape_of(value: Any) -> Any:
            return tuple(value.shape) if isinstance(value, torch.Tensor) else value

        arguments = {k: shape_of(v) for k, v in bind(op, args, kwargs).items()}
        self.trace.used_parameters.update(id(t) for t in tensors if isinstance(t, nn.Parameter))
        index = len(self.trace.layers)
        layer = function_layer(index, f"{name.strip('_')}_{index}", name, op, arguments,
                               tuple(tuple(t.shape) for t in tensors if not isinstance(t, nn.Parameter)),
                               tuple(outputs[0].shape),
                               sum(t.numel() for t in tensors if isinstance(t, nn.Parameter)),
                               site_of_caller(), self.running[-1] if self.running else "")
        self._add(layer, tensors, outputs)

    def _add(self, layer, tensors: list[torch.Tensor], outputs: list[torch.Tensor]) -> None:
        producers = [self.producer[id(t)] for t in tensors if id(t) in self.producer]
        self.trace.add(layer, producers, any(id(t) in self.inputs for t in tensors))
        self.reads[layer.index] = {self.input_position[id(t)] for t in tensors if id(t) in self.input_position}
        for t in outputs:
            self.producer[id(t)] = layer.index
        self.keep.extend(outputs)

    def pre_hook(self, module: nn.Module, args: tuple, kwargs: dict | None = None) -> None:
        self.running.append(self.names.get(id(module), type(module).__name__))
        if self.leaf_depth == 0 and is_leaf(module):
            tensors = [t for t in leaves((args, kwargs or {})) if isinstance(t, torch.Tensor)]
            self.pending.append((module, tensors, tensor_signature(tensors)))
        elif self.leaf_depth == 0:
            first = next((t for t in leaves((args, kwargs or {})) if isinstance(t, torch.Tensor)), None)
            self.reading.append(tuple(first.shape) if first is not None else None)
        if self.leaf_depth or is_leaf(module):
            self.leaf_depth += 1

    def hook(self, module: nn.Module, args: tuple, *rest: Any) -> None:
        name = self.running.pop()
        if not self.leaf_depth:
            first = next((t for t in leaves(rest[-1]) if isinstance(t, torch.Tensor)), None)
            read = self.reading.pop() if self.reading else None
            if name:
                self.trace.module_calls.append((name, read, tuple(first.shape) if first is not None else None))
            return
        self.leaf_depth -= 1
        if self.leaf_depth:
            return
        output = rest[-1]
        leaf, tensors, signature = self.pending.pop()
        outputs = [t for t in leaves(output) if isinstance(t, torch.Tensor)]
        name = self.names.get(id(leaf), type(leaf).__name__)
        if all(t.is_meta for t in outputs):
            self.trace.module_results[name, self.calls[name]] = signature, output
        self.calls[name] += 1
        self.trace.used_parameters.update(id(p) for p in leaf.parameters())
        layer = module_layer(len(self.trace.layers), name, leaf, tuple(tuple(t.shape) for t in tensors),
                             tuple(outputs[0].shape) if outputs else None, self.built)
        self._add(layer, tensors, outputs)

    def failed_call(self) -> FailedCall | None:
        """The leaf call, else the functional op, that was running when the forward failed."""
        if self.pending:
            leaf, tensors, _ = self.pending[-1]
            return self._failed(self.names.get(id(leaf), type(leaf).__name__), type(leaf).__name__, tensors,
                                *_module_takes(leaf))
        if self.failed_function is None:
            return None
        func, args, kwargs, scope = self.failed_function
        read = _function_takes(func, args, kwargs)
        if read is None:
            return None
        tensor, takes, axis = read
        return self._failed(scope or "forward", getattr(func, "__name__", "function"), [tensor], takes, axis)

    def _failed(self, name: str, kind: str, tensors: list[torch.Tensor], takes: int | None,
                axis: int = 1) -> FailedCall:
        first = tensors[0] if tensors else None
        return FailedCall(name, kind, tuple(tuple(t.shape) for t in tensors),
                          self._input_through_functions(first) if first is not None else None, takes,
                          self._inputs_behind(first) if first is not None else (), axis)

    def _producers(self) -> dict[int, list[int]]:
        producers: dict[int, list[int]] = {}
        for source, target in self.trace.edges:
            producers.setdefault(target, []).append(source)
        return producers

    def _input_through_functions(self, tensor: torch.Tensor) -> int | None:
        """The model input a tensor is, or comes from through functional ops only."""
        if id(tensor) in self.input_position:
            return self.input_position[id(tensor)]
        producers = self._producers()
        frontier, seen = [self.producer.get(id(tensor))], set()
        while frontier:
            index = frontier.pop()
            if index is None or index in seen or self.trace.layers[index].module is not None:
                continue
            seen.add(index)
            if self.reads.get(index):
                return min(self.reads[index])
            frontier.extend(producers.get(index, ()))
        return None

    def _inputs_behind(self, tensor: torch.Tensor) -> tuple[int, ...]:
        """Every model input the tensor comes from, through any layers."""
        if id(tensor) in self.input_position:
            return (self.input_position[id(tensor)],)
        producers = self._producers()
        frontier, seen, found = [self.producer.get(id(tensor))], set(), set()
        while frontier:
            index = frontier.pop()
            if index is None or index in seen:
                continue
            seen.add(index)
            found |= self.reads.get(index, set())
            frontier.extend(producers.get(index, ()))
        return tuple(sorted(found))


def fresh(inputs: list[Any]) -> list[Any]:
    """The inputs with new lists and tuples around the same tensors: a forward that assigns into
    the list it is given (``pyramid[s] = pyramid[s] - mean``) leaves the next run's alone."""
    return [type(value)(value) if isinstance(value, (list, tuple)) else value for value in inputs]


def run(model: nn.Module, inputs: list[torch.Tensor], built: BuiltModel) -> Trace:
    """Run the forward once, recording every leaf module call and functional op."""
    recorder = _Recorder(model, inputs, built)
    module_hooks = nn.modules.module
    handles = [module_hooks.register_module_forward_pre_hook(recorder.pre_hook),
               module_hooks.register_module_forward_hook(recorder.hook)]
    try:
        # the recorder sees each op before the tensors are pinned and before the shortcut
        with torch.no_grad(), MetaShapes(), pinned_to(device_of(inputs, model)), recorder:
            output = model(*fresh(inputs))
    except Exception as exc:
        where = next((name for name in reversed(recorder.running) if name), "")
        raise ForwardError(where, exc, recorder.failed_call()) from exc
    finally:
        for handle in handles:
            handle.remove()
    trace = recorder.trace
    returned = [t for t in returned_leaves(output) if isinstance(t, torch.Tensor)]
    trace.outputs = list(dict.fromkeys(recorder.producer[id(t)] for t in returned if id(t) in recorder.producer))
    trace.output_shapes = [tuple(t.shape) for t in returned]
    return trace
