"""Capture tier 1: torch.fx symbolic tracing, shapes from running the graph on meta tensors."""

from __future__ import annotations

import contextlib
import operator
from collections import Counter
from collections.abc import Iterator
from typing import Any

import torch
import torch.fx as fx
from torch import nn
from torch.fx.proxy import ParameterProxy

from netlint.capture import ops
from netlint.capture.input_names import is_label, is_mask
from netlint.capture.inputs import Entry, InputHints, split_channels
from netlint.capture.readers import Guess, guess_from_module, guess_from_weight, spatial
from netlint.capture.layers import (ForwardError, Trace, bind, function_layer, leaves, module_layer, returned_leaves,
                                    tensor_signature)
from netlint.load.construct import BuiltModel
from netlint.load.pinned_device import device_of, pinned_to, user_modules, without_device_moves
from netlint.meta_shapes import MetaShapes
from netlint.sites import site_of_caller

SHAPES = "netlint_shapes"  # node.meta key: shapes of the tensors a node produced
SITE = "netlint_site"  # node.meta key: the user's line that made a functional node


class _SiteTracer(fx.Tracer):
    """Notes on each functional node the line of the user's forward that made it (much
    cheaper than fx's ``record_stack_traces``, which formats the whole stack per node)."""

    def create_node(self, kind, target, args, kwargs, name=None, type_expr=None):
        node = super().create_node(kind, target, args, kwargs, name, type_expr)
        if kind in ("call_function", "call_method"):
            node.meta[SITE] = site_of_caller()
        return node

    def getattr(self, attr, attr_val, parameter_proxy_cache):
        """fx's own, with the parameter's (or buffer's) name looked up in a table made once per
        trace: fx searches ``named_parameters()`` at every access, quadratic in a large model."""
        name = self._qualified_name(attr_val) if isinstance(attr_val, torch.Tensor) else None
        if name is None:
            return attr_val
        if name not in parameter_proxy_cache:
            factory = (lambda node: ParameterProxy(self, node, name, attr_val)) if self.param_shapes_constant else None
            parameter_proxy_cache[name] = self.create_proxy("get_attr", name, (), {}, proxy_factory_fn=factory)
        return parameter_proxy_cache[name]

    def _qualified_name(self, tensor: torch.Tensor) -> str | None:
        names = getattr(self, "_names", None)
        if names is None or names[0] is not self.root:
            parameters, buffers = {}, {}
            for n, p in self.root.named_parameters():
                parameters.setdefault(id(p), n)
            for n, b in self.root.named_buffers():
                buffers.setdefault(id(b), n)
            names = self._names = (self.root, parameters, buffers)
        found = names[1].get(id(tensor)) if isinstance(tensor, nn.Parameter) else None
        if found is None and self.proxy_buffer_attributes:
            found = names[2].get(id(tensor))
        return found


def trace(model: nn.Module) -> fx.GraphModule:
    """The traced graph, without the calls that only move tensors between devices."""
    tracer = _SiteTracer()
    with pinned_to(device_of((), model)), _factories_take_proxies():
        return without_device_moves(fx.GraphModule(model, tracer.trace(model)))


def trace_at(model: nn.Module, inputs: list[torch.Tensor], known: dict | None = None) -> fx.GraphModule:
    """fx at the example input's sizes: each node's value is computed on meta as it is traced, so a
    forward that checks its sizes (``if H % self.window:``, ``B, N, C = x.shape``, ``if mask is None``)
    reads plain values; the graph holds them as constants, which the eager reference run at the
    same input checks. ``known``: the leaf calls' results of that run (see ``run``)."""
    tracer = _ValuedTracer(inputs, known or {})
    with torch.no_grad(), pinned_to(device_of(inputs, model)), _factories_take_proxies():
        return without_device_moves(fx.GraphModule(model, tracer.trace(model)))


_NO_VALUE = object()
_READS_VALUES = ("item", "tolist", "numpy", "__bool__", "__int__", "__float__", "__index__")


class _ValuedProxy(fx.Proxy):
    """A traced value whose plain attributes (``shape``, ``ndim``, ``dtype``) are its value's."""

    def __getattr__(self, name: str) -> Any:
        value = self.tracer.values.get(self.node, _NO_VALUE)
        if value is not _NO_VALUE and not name.startswith("_"):
            found = getattr(value, name)
            if _plain(found):
                return found
        return super().__getattr__(name)

    def __len__(self) -> int:
        return len(self.tracer.value_of(self))

    def __setitem__(self, key: Any, value: Any) -> None:  # ``x[:, 1:] = y``: a node, run in place
        self.tracer.create_proxy("call_function", operator.setitem, (self, key, value), {})


def _plain(value: Any) -> bool:
    """A value the graph can hold as a constant: no tensor in it, nothing callable."""
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str, torch.dtype, torch.device, torch.Size))


class _ValuedTracer(_SiteTracer):
    """fx's tracer with each node's value beside it (see ``trace_at``): while a value is computed
    (``evaluating``), module calls and attribute reads are the real ones, not traced."""

    def __init__(self, inputs: list[torch.Tensor], known: dict) -> None:
        super().__init__()
        self.values: dict[fx.Node, Any] = {}
        self.inputs = list(inputs)
        self.placed = 0
        self.known = known
        self.calls: Counter = Counter()
        self.evaluating = False

    def proxy(self, node: fx.Node) -> fx.Proxy:
        return _ValuedProxy(node, self)

    def value_of(self, proxy: fx.Proxy) -> Any:
        value = self.values.get(proxy.node, _NO_VALUE)
        if value is _NO_VALUE:
            raise fx.proxy.TraceError(f"no value for {proxy.node.name}")
        return value

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None, proxy_factory_fn=None):
        value = self._evaluated(kind, target, args, kwargs)
        if kind != "placeholder" and _plain(value) and target is not operator.setitem:
            return value  # a size, a dim, a dtype: a constant of the graph
        proxy = super().create_proxy(kind, target, args, kwargs, name, type_expr, proxy_factory_fn)
        self.values[proxy.node] = value
        return value if _plain(value) else proxy

    def _evaluated(self, kind: str, target: Any, args: tuple, kwargs: dict) -> Any:
        if kind == "placeholder":
            self.placed += 1
            if self.placed <= len(self.inputs):
                return self.inputs[self.placed - 1]
            if args:
                return args[0]  # its default
            raise fx.proxy.TraceError(f"no example value for the input {target}")
        if kind == "call_method" and target in _READS_VALUES:  # (on the CPU they would run: data, not sizes)
            raise fx.proxy.TraceError(f"Tensor.{target}() reads the tensor's values")
        args, kwargs = fx.node.map_aggregate((args, kwargs),
                                             lambda v: self.value_of(v) if isinstance(v, fx.Proxy) else v)
        self.evaluating = True
        try:
            if kind == "get_attr":
                return _attr(self.root, target)
            with MetaShapes():
                if kind == "call_function":
                    return target(*args, **kwargs)
                if kind == "call_method":
                    return getattr(args[0], target)(*args[1:], **kwargs)
                signature, result = self.known.get((target, self.calls[target]), (None, None))
                self.calls[target] += 1
                if signature is not None and signature == tensor_signature((args, kwargs)):
                    return result
                return self.root.get_submodule(target)(*args, **kwargs)
        finally:
            self.evaluating = False

    def getattr(self, attr, attr_val, parameter_proxy_cache):
        return attr_val if self.evaluating else super().getattr(attr, attr_val, parameter_proxy_cache)

    def call_module(self, m, forward, args, kwargs):
        return forward(*args, **kwargs) if self.evaluating else super().call_module(m, forward, args, kwargs)

    def to_bool(self, obj: fx.Proxy) -> bool:
        value = self.value_of(obj)
        if isinstance(value, torch.Tensor):  # a branch on the data: not the graph's to decide
            raise fx.proxy.TraceError("symbolically traced variables cannot be used as inputs to control flow")
        return bool(value)

    def iter(self, obj: fx.Proxy):
        return iter([obj[i] for i in range(len(self.value_of(obj)))])


# torch's tensor factories, which fx cannot trace when a size is traced (``torch.zeros(n, 32, h, w)``
# with ``n, _, h, w = x.size()``: "zeros() takes 1 positional argument but 4 were given")
_FACTORIES = ("arange", "empty", "eye", "full", "linspace", "logspace", "ones", "rand", "randint", "randn",
              "randperm", "tensor", "zeros", "as_tensor")


def _traced_call(original):
    """``original``, recorded as a node of the graph when an argument is traced."""

    def call(*args, **kwargs):
        proxy = next((a for a in leaves((args, kwargs)) if isinstance(a, fx.Proxy)), None)
        if proxy is None:
            return original(*args, **kwargs)
        return proxy.tracer.create_proxy("call_function", original, args, kwargs)

    return call


class _VariableMeta(type):
    """``Variable(x)`` (torch.autograd's legacy wrapper, the tensor itself since torch 0.4) while
    fx traces: the traced value itself; an ``isinstance`` check asks the real class."""

    def __instancecheck__(cls, value: Any) -> bool:
        return isinstance(value, torch.autograd.Variable)

    def __call__(cls, data, *args: Any, **kwargs: Any) -> Any:
        return data if isinstance(data, fx.Proxy) else torch.autograd.Variable(data, *args, **kwargs)


class _TracedVariable(metaclass=_VariableMeta):
    pass


@contextlib.contextmanager
def _factories_take_proxies() -> Iterator[None]:
    """While fx traces: the tensor factories and ``Variable`` accept traced values, in torch and
    wherever the user's modules hold them (``from torch import zeros``)."""
    replaced = {id(getattr(torch, name)): _traced_call(getattr(torch, name)) for name in _FACTORIES}
    replaced[id(torch.autograd.Variable)] = _TracedVariable
    patches: list[tuple[dict, str, Any]] = []
    for namespace in (torch.__dict__, *(m.__dict__ for m in user_modules())):
        for name, value in list(namespace.items()):
            if id(value) in replaced and (namespace is not torch.__dict__ or name in _FACTORIES):
                patches.append((namespace, name, value))
                namespace[name] = replaced[id(value)]
    try:
        yield
    finally:
        for namespace, name, value in reversed(patches):
            namespace[name] = value


def rebound(graph: fx.GraphModule, model: nn.Module) -> fx.GraphModule:
    """The graph traced on one build, over the layers and tensors of another build of the same
    model (the CPU rebuild a forward that does not run on meta ran on: its parameters made as
    its layers ran, which the graph's own reads of them must see)."""
    return fx.GraphModule(model, graph.graph)


def input_names(graph: fx.GraphModule) -> list[str]:
    return [n.target for n in _placeholders(graph)]


def input_guesses(graph: fx.GraphModule, side: int, hints: InputHints = InputHints()) -> list[Guess | None]:
    """For each input, the first layer that consumes it (looking through reshapes, casts…)."""
    return [_first_consumer_guess(graph, p, side, hints) for p in _placeholders(graph)]


def run(graph: fx.GraphModule, inputs: list[torch.Tensor], built: BuiltModel, reference: Trace) -> Trace:
    """The graph's layers, with the shapes of running it (the leaf calls the ``reference``
    forward made at the same tensor shapes are not run again)."""
    with torch.no_grad(), MetaShapes(), pinned_to(device_of(inputs, graph)):
        _ShapeRecorder(graph, reference.module_results).run(*[list(v) if isinstance(v, (list, tuple)) else v
                                                               for v in inputs])
    trace = Trace()
    index_of: dict[fx.Node, int] = {}
    for node in graph.graph.nodes:
        if node.op == "output":
            returned = [n for n in returned_leaves(node.args[0]) if isinstance(n, fx.Node)]
            trace.outputs = list(dict.fromkeys(index_of[n] for n in returned if n in index_of))  # return order
            trace.output_shapes = [s for n in returned for s in n.meta.get(SHAPES, [])]
        elif node.op in ("call_module", "call_function", "call_method"):
            layer = _layer(graph, built, node, len(trace.layers))
            index_of[node] = layer.index
            sources = node.all_input_nodes
            trace.add(layer, [index_of[n] for n in sources if n in index_of],
                      any(n.op == "placeholder" for n in sources))
    return trace


class _ShapeRecorder(fx.Interpreter):
    """Runs the graph and keeps, on each node, the shapes of the tensors it produced (in
    pytree order: tuples, lists, dicts, named tuples)."""

    def __init__(self, module: fx.GraphModule, known: dict[tuple[str, int], tuple[tuple, Any]]) -> None:
        super().__init__(module)
        self.extra_traceback = False
        self.known = known
        self.calls: Counter = Counter()

    def call_module(self, target: str, args: tuple, kwargs: dict) -> Any:
        signature, result = self.known.get((target, self.calls[target]), (None, None))
        self.calls[target] += 1
        if signature is not None and signature == tensor_signature((args, kwargs)):
            return result
        return super().call_module(target, args, kwargs)

    def run_node(self, n: fx.Node) -> Any:
        try:
            result = super().run_node(n)
        except Exception as exc:
            raise ForwardError(str(n.target) if n.op == "call_module" else n.name, exc) from exc
        n.meta[SHAPES] = [tuple(t.shape) for t in leaves(result) if isinstance(t, torch.Tensor)]
        return result


def _placeholders(graph: fx.GraphModule) -> list[fx.Node]:
    return [n for n in graph.graph.nodes if n.op == "placeholder" and not n.args]  # no default value


def _first_consumer_guess(graph: fx.GraphModule, placeholder: fx.Node, side: int, hints: InputHints) -> Guess | None:
    # each path keeps the torch.cat calls it went through: the layer at its end reads all their entries
    frontier, seen = [(placeholder, ())], set()
    while frontier:
        node, cats = frontier.pop(0)
        for user in node.users:
            if user in seen:
                continue
            seen.add(user)
            if user.op == "call_module":  # a padding or an activation says nothing: look past it
                module = graph.get_submodule(user.target)
                guess = guess_from_module(module, user.target, side)
                if isinstance(module, (nn.Embedding, nn.EmbeddingBag)) and is_label(placeholder.target):
                    guess = (1,), torch.long, f"{user.target} {type(module).__name__} (a class index)"
                if guess is not None and isinstance(module, _ANY_RANK):
                    # they read (N, C) and (N, C, L), (N, C, H, W)… alike: a layer after them says which
                    dims = _spatial_dims_after(graph, user)
                    if dims:
                        guess = ((*guess[0][:2], *spatial(dims, side)), *guess[1:])
                if guess is not None:
                    return _shared(graph, guess, cats, hints)
                frontier.append((user, cats))
                continue
            op = ops.function_op(user.target) if user.op == "call_function" else ""
            weight = bind(op, user.args, user.kwargs).get("weight")
            if isinstance(weight, fx.Node) and weight.op == "get_attr":
                shape = tuple(_attr(graph, weight.target).shape)
                guess = guess_from_weight(shape, op, bind(op, user.args, user.kwargs).get("groups", 1),
                                          user.name, side)
                return _shared(graph, guess, cats, hints)
            frontier.append((user, cats + _cat_entry(user, node)))
    return None


_CATS = (torch.cat, torch.concat, torch.concatenate)
_ANY_RANK = (torch.nn.BatchNorm1d, torch.nn.GroupNorm)


def _shared(graph: fx.GraphModule, guess: Guess | None, cats, hints: InputHints) -> Guess | None:
    """The guess of the layer, for this input: its share of the concatenations on the way."""
    entries = [(dim, [_entry(graph, e, hints) for e in tensors], index) for dim, tensors, index in cats]
    own = next((e[index] for _, e, index in entries[:1]), None)  # at the first concatenation on its way
    return split_channels(guess, entries, own.kind if own else "image")


def _entry(graph: fx.GraphModule, node: Any, hints: InputHints) -> Entry:
    """What one tensor of a concatenation is: back along its first arguments to an input (a
    vector when a reshape gave it trailing 1s, a mask by its name; its size the constructor's)
    or to a layer whose output channels say its share."""
    tiled = False
    while isinstance(node, fx.Node) and node.op in ("call_method", "call_function"):
        if _is_factory(node):  # made in the forward (a mask of ones, a state of zeros): no input's share
            return Entry(_made_channels(node), "mask", "")
        tiled = tiled or _adds_unit_dims(node)
        node = node.args[0] if node.args else None
    if not isinstance(node, fx.Node):
        return Entry()
    if node.op == "call_module":
        module = graph.get_submodule(node.target)
        channels = (getattr(module, "out_channels", None) or getattr(module, "out_features", None)
                    or getattr(module, "embedding_dim", None))
        return Entry(channels if isinstance(channels, int) else None)
    if node.op != "placeholder":
        return Entry()
    size = hints.size(node.target)
    known, why = (size[0], f"the constructor's {size[1]}") if size else (None, "")
    if tiled:
        return Entry(known, "vector", why)
    if is_mask(node.target):
        return Entry(known or 1, "mask", why or f"{node.target} is a mask or one-channel map by its name")
    return Entry(known, "image", why)


def _is_factory(node: fx.Node) -> bool:
    if node.op == "call_method":
        return node.target in ("new_zeros", "new_ones", "new_empty", "new_full")
    return any(node.target is getattr(torch, name) for name in _FACTORIES if name not in ("tensor", "as_tensor"))


def _made_channels(node: fx.Node) -> int | None:
    """The size along the channels (dim 1) of a tensor a factory makes, when it is a constant."""
    sizes = node.args[1:] if node.op == "call_method" else node.args
    if node.op == "call_method" and node.target == "new_full" or node.target is torch.full:
        sizes = sizes[:1]
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    channels = sizes[1] if len(sizes) > 1 else None
    return channels if isinstance(channels, int) and not isinstance(channels, bool) else None


def _adds_unit_dims(node: fx.Node) -> bool:
    """``c.view(n, c, 1, 1)``, ``c.reshape(-1, C, 1, 1)``, ``c.unsqueeze(2)``, ``c[:, :, None, None]``:
    a vector becomes a map of one pixel, to be tiled over an image."""
    name = node.target if node.op == "call_method" else getattr(node.target, "__name__", "")
    if name in ("unsqueeze", "unsqueeze_", "atleast_4d"):
        return True
    if name in ("view", "reshape"):
        sizes = node.args[1:]
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = sizes[0]
        return len(sizes) >= 3 and sizes[-1] == 1 and sizes[-2] == 1
    if name == "getitem" and len(node.args) > 1 and isinstance(node.args[1], tuple):
        return None in node.args[1]
    return False


def _spatial_dims_after(graph: fx.GraphModule, node: fx.Node) -> int | None:
    """How many spatial dimensions the first layer after ``node`` that says so reads: a
    convolution by its kernel, a pooling or padding by its name (``MaxPool1d``: 1)."""
    frontier, seen = [node], set()
    while frontier:
        for user in frontier.pop(0).users:
            if user in seen:
                continue
            seen.add(user)
            if user.op == "call_module":
                module = graph.get_submodule(user.target)
                if isinstance(module, nn.modules.conv._ConvNd):
                    return len(module.kernel_size)
                if isinstance(module, (nn.Linear, nn.Flatten)):
                    return None
                named = type(module).__name__[-2:]
                if not isinstance(module, _ANY_RANK) and named in ("1d", "2d", "3d"):
                    return int(named[0])
            elif user.op == "call_function" and ops.function_op(user.target) == "conv":
                weight = bind("conv", user.args, user.kwargs).get("weight")
                if isinstance(weight, fx.Node) and weight.op == "get_attr":
                    return len(_attr(graph, weight.target).shape) - 2
            frontier.append(user)
    return None


def _cat_entry(user: fx.Node, node: fx.Node) -> tuple[tuple[int, tuple, int], ...]:
    """(dim, tensors, index of ``node``'s entry) when ``user`` concatenates ``node`` with others."""
    if user.op != "call_function" or user.target not in _CATS:
        return ()
    tensors = user.args[0] if user.args else user.kwargs.get("tensors")
    dim = user.args[1] if len(user.args) > 1 else user.kwargs.get("dim", 0)
    if not isinstance(tensors, (list, tuple)) or not isinstance(dim, int) or node not in tensors:
        return ()
    return ((dim, tuple(tensors), list(tensors).index(node)),)


def _attr(module: nn.Module, target: str) -> Any:
    for part in target.split("."):
        module = getattr(module, part)
    return module


def _first_shape(node: fx.Node):
    return (node.meta.get(SHAPES) or [None])[0]


def _layer(graph: fx.GraphModule, built: BuiltModel, node: fx.Node, index: int):
    inputs = tuple(_first_shape(n) for n in node.all_input_nodes if n.op != "get_attr")
    output = _first_shape(node)
    site = node.meta.get(SITE)
    if node.op == "call_module":
        return module_layer(index, node.target, graph.get_submodule(node.target), inputs, output,
                            built, fallback_site=site)
    if node.op == "call_function":
        op, kind = ops.function_op(node.target), getattr(node.target, "__name__", str(node.target))
    else:
        op, kind = ops.method_op(node.target), node.target
    tensors = [_attr(graph, n.target) for n in node.all_input_nodes if n.op == "get_attr"]

    def shape_of(value: Any) -> Any:
        if isinstance(value, fx.Node):
            return tuple(_attr(graph, value.target).shape) if value.op == "get_attr" else _first_shape(value)
        return value

    arguments = {k: shape_of(v) for k, v in bind(op, node.args, node.kwargs).items()}
    stack = list((node.meta.get("nn_module_stack") or {}).values())  # fx's record of the calling modules
    return function_layer(index, node.name, kind, op, arguments, inputs, output,
                          sum(t.numel() for t in tensors if isinstance(t, nn.Parameter)), site,
                          stack[-1][0] if stack else "")
