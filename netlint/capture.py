"""Turn a built model into a ModelGraph with torch.fx and meta-tensor shape propagation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
import torch.fx as fx
from torch import nn
from torch.utils._pytree import tree_leaves

from netlint import ops
from netlint.discover import display_path
from netlint.graph import Layer, ModelGraph, Shape, Site, nearest_entry
from netlint.load import BuiltModel, is_library_file
from netlint.task import infer_task

SHAPES = "netlint_shapes"  # node.meta key: shapes of the tensors a node produced
IMAGE_SIDE = 256
SEQUENCE_LENGTH = 128
_STACK_LINE = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+), in ')


class CaptureError(Exception):
    pass


def capture(built: BuiltModel, target: str, input_shapes: Sequence[Shape] = (),
            task: str = "auto") -> ModelGraph:
    model = built.model
    tracer = fx.Tracer()
    tracer.record_stack_traces = True
    try:
        traced = fx.GraphModule(model, tracer.trace(model))
    except Exception as exc:
        raise CaptureError(f"torch.fx could not trace {type(model).__name__}: "
                           f"{type(exc).__name__}: {_first_line(exc)}") from exc

    placeholders = [n for n in traced.graph.nodes if n.op == "placeholder" and not n.args]
    inputs, input_reason = _run_example(traced, placeholders, input_shapes)

    layers, edges, input_layers, output_layers = _layers(traced, built)
    output_shapes = tuple(_shapes(next(n for n in traced.graph.nodes if n.op == "output").args[0]))
    shapes = tuple(tuple(t.shape) for t in inputs)
    decided_task, task_reason = infer_task(shapes, output_shapes, task)
    return ModelGraph(
        target=target,
        class_name=type(model).__name__,
        layers=tuple(layers),
        edges=tuple(edges),
        inputs=tuple(input_layers),
        outputs=tuple(output_layers),
        params=sum(p.numel() for p in model.parameters()),
        trainable_params=sum(p.numel() for p in model.parameters() if p.requires_grad),
        buffers=sum(b.numel() for b in model.buffers()),
        input_shapes=shapes,
        input_reason=input_reason,
        output_shapes=output_shapes,
        task=decided_task,
        task_reason=task_reason,
        capture="fx",
        weights_requests=tuple(built.weights_requests),
        built_on=built.device,
        module_sites=built.sites,
        model=model,
    )


class _ShapeRecorder(fx.Interpreter):
    """Runs the graph on meta tensors and keeps, on each node, the shapes of the tensors it
    produced (in pytree order: tuples, lists, dicts, named tuples)."""

    current_node: fx.Node | None = None

    def __init__(self, module: fx.GraphModule) -> None:
        super().__init__(module)
        self.extra_traceback = False

    def run_node(self, n: fx.Node) -> Any:
        self.current_node = n
        result = super().run_node(n)
        n.meta[SHAPES] = [tuple(t.shape) for t in tree_leaves(result) if isinstance(t, torch.Tensor)]
        return result


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].rstrip(".") if text else ""


def _fmt(shape: Shape) -> str:
    return "×".join(map(str, shape))


def _run_example(traced: fx.GraphModule, placeholders: list[fx.Node],
                 given: Sequence[Shape]) -> tuple[list[torch.Tensor], str]:
    """Run the graph on meta example inputs, recording shapes on its nodes. An inferred
    image size of 256 that the model rejects is tried again at 224 (ImageNet models such as
    ViT assert their training resolution)."""
    first_error: CaptureError | None = None
    for side in ((IMAGE_SIDE,) if given else (IMAGE_SIDE, 224)):
        inputs, reason = _example_inputs(traced, placeholders, given, side)
        recorder = _ShapeRecorder(traced)
        try:
            recorder.run(*inputs)
            return inputs, reason
        except Exception as exc:
            shapes = " and ".join(_fmt(tuple(t.shape)) for t in inputs)
            error = CaptureError(
                f"forward failed in {recorder.current_node.target} at input {shapes} "
                f"({reason}): {type(exc).__name__}: {_first_line(exc)}; "
                "give the input shape with --input-shape")
            error.__cause__ = exc
            first_error = first_error or error
    raise first_error


def _example_inputs(traced: fx.GraphModule, placeholders: list[fx.Node],
                    given: Sequence[Shape], side: int) -> tuple[list[torch.Tensor], str]:
    if given:
        if len(given) != len(placeholders):
            raise CaptureError(f"the model's forward takes {len(placeholders)} input(s) "
                               f"({', '.join(p.target for p in placeholders)}) but "
                               f"{len(given)} --input-shape were given")
        guesses = [_input_guess(traced, p, side) for p in placeholders]
        dtypes = [guess[1] if guess else torch.float32 for guess in guesses]
        return ([torch.zeros(s, dtype=d, device="meta") for s, d in zip(given, dtypes)],
                "given with --input-shape")
    tensors, reasons = [], []
    for placeholder in placeholders:
        guess = _input_guess(traced, placeholder, side)
        if guess is None:
            raise CaptureError(f"cannot infer the shape of input {placeholder.target!r}: no "
                               "convolution, linear or embedding layer reads it directly; "
                               "give it with --input-shape")
        shape, dtype, reason = guess
        tensors.append(torch.zeros(shape, dtype=dtype, device="meta"))
        reasons.append(reason)
    return tensors, "inferred from " + "; ".join(reasons)


def _input_guess(traced: fx.GraphModule, placeholder: fx.Node, side: int):
    """(shape, dtype, reason) from the first layer that consumes the input."""
    frontier, seen = [placeholder], set()
    while frontier:
        node = frontier.pop(0)
        for user in node.users:
            if user in seen:
                continue
            seen.add(user)
            guess = _guess_from(traced, user, side)
            if guess is not None:
                return guess
            if user.op != "call_module":  # look through reshapes, casts, indexing…
                frontier.append(user)
    return None


def _spatial(dims: int, side: int) -> tuple[int, ...]:
    return {1: (side * 4,), 2: (side, side), 3: (16, side // 2, side // 2)}[dims]


def _guess_from(traced: fx.GraphModule, node: fx.Node, side: int):
    if node.op == "call_module":
        module = traced.get_submodule(node.target)
        where = f"{node.target} {type(module).__name__}"
        if isinstance(module, nn.modules.conv._ConvNd):
            dims = len(module.kernel_size)
            channels = module.out_channels if isinstance(module, nn.modules.conv._ConvTransposeNd) \
                else module.in_channels
            return (1, channels, *_spatial(dims, side)), torch.float32, f"{where}({channels}→…)"
        if isinstance(module, nn.Linear):
            return (1, module.in_features), torch.float32, f"{where}({module.in_features}→…)"
        if isinstance(module, (nn.Embedding, nn.EmbeddingBag)):
            return (1, SEQUENCE_LENGTH), torch.long, f"{where} (index tensor)"
        if isinstance(module, nn.modules.batchnorm._NormBase):
            spatial = {"BatchNorm1d": (), "InstanceNorm1d": (side * 4,)}.get(
                type(module).__name__, (side, side))
            return (1, module.num_features, *spatial), torch.float32, f"{where}({module.num_features})"
        if isinstance(module, nn.LayerNorm):
            return (1, SEQUENCE_LENGTH, *module.normalized_shape), torch.float32, where
        return None
    if node.op == "call_function" and ops.function_op(node.target) in ("conv", "linear"):
        weight = node.args[1] if len(node.args) > 1 else node.kwargs.get("weight")
        if isinstance(weight, fx.Node) and weight.op == "get_attr":
            shape = tuple(_attr(node.graph.owning_module, weight.target).shape)
            if ops.function_op(node.target) == "linear":
                return (1, shape[1]), torch.float32, f"{node.name}({shape[1]}→…)"
            groups = node.kwargs.get("groups", node.args[6] if len(node.args) > 6 else 1)
            channels, dims = shape[1] * groups, len(shape) - 2
            return (1, channels, *_spatial(dims, side)), torch.float32, f"{node.name}({channels}→…)"
    return None


def _attr(module: nn.Module, target: str) -> Any:
    for part in target.split("."):
        module = getattr(module, part)
    return module


def _shapes(value: Any) -> list[Shape]:
    """Tensor shapes found in an fx value (a node, or tuples/lists/dicts of them)."""
    return [shape for node in tree_leaves(value) if isinstance(node, fx.Node)
            for shape in _node_shapes(node)]


def _node_shapes(node: fx.Node) -> list[Shape]:
    return node.meta.get(SHAPES, [])


def _layers(traced: fx.GraphModule, built: BuiltModel):
    layers: list[Layer] = []
    index_of: dict[fx.Node, int] = {}
    edges: list[tuple[int, int]] = []
    input_layers: list[int] = []
    output_layers: list[int] = []
    for node in traced.graph.nodes:
        if node.op == "output":
            output_layers = sorted({index_of[n] for n in node.all_input_nodes if n in index_of})
            continue
        if node.op not in ("call_module", "call_function", "call_method"):
            continue
        layer = _layer(traced, built, node, len(layers))
        index_of[node] = layer.index
        layers.append(layer)
        for source in node.all_input_nodes:
            if source in index_of:
                edges.append((index_of[source], layer.index))
            elif source.op == "placeholder" and layer.index not in input_layers:
                input_layers.append(layer.index)
    return layers, edges, input_layers, output_layers


def _layer(traced: fx.GraphModule, built: BuiltModel, node: fx.Node, index: int) -> Layer:
    inputs = tuple((_node_shapes(n) or [None])[0] for n in node.all_input_nodes if n.op != "get_attr")
    output = (_node_shapes(node) or [None])[0]
    if node.op == "call_module":
        module = traced.get_submodule(node.target)
        return Layer(
            index=index, name=node.target, type=type(module).__name__, op=ops.module_op(module),
            attrs=ops.module_attrs(module), input_shapes=inputs, output_shape=output,
            params=sum(p.numel() for p in module.parameters()),
            site=nearest_entry(built.sites, node.target) or _stack_site(node),
            origin=nearest_entry(built.origins, node.target), module=module,
        )
    if node.op == "call_function":
        op = ops.function_op(node.target)
        kind = getattr(node.target, "__name__", str(node.target))
    else:
        op, kind = ops.method_op(node.target), node.target
    tensors = [_attr(traced, n.target) for n in node.all_input_nodes if n.op == "get_attr"]
    return Layer(
        index=index, name=node.name, type=kind, op=op,
        attrs=ops.function_attrs(op, _bound_shapes(traced, node, op)),
        input_shapes=inputs, output_shape=output,
        params=sum(t.numel() for t in tensors if isinstance(t, nn.Parameter)),
        site=_stack_site(node),
    )


def _bound_shapes(traced: fx.GraphModule, node: fx.Node, op: str) -> dict[str, Any]:
    """The call's arguments by name, with tensors replaced by their shapes."""
    names = ops.FUNCTION_PARAMETERS.get(op, ())
    bound = dict(zip(names, node.args))
    bound.update(node.kwargs)

    def shape_of(value: Any) -> Any:
        if isinstance(value, fx.Node):
            if value.op == "get_attr":
                return tuple(_attr(traced, value.target).shape)
            return (_node_shapes(value) or [None])[0]
        return value

    return {name: shape_of(value) for name, value in bound.items()}


def _stack_site(node: fx.Node) -> Site | None:
    """The line of the forward that made this call, from fx's recorded stack trace."""
    frames = [m for m in _STACK_LINE.finditer(node.stack_trace or "") if not is_library_file(m["file"])]
    if not frames:
        return None
    path, line = frames[-1]["file"], int(frames[-1]["line"])
    try:
        text = Path(path).read_text(encoding="utf-8").splitlines()[line - 1]
        column = len(text) - len(text.lstrip()) + 1
    except (OSError, IndexError, UnicodeDecodeError):
        column = 1
    return Site(display_path(Path(path)), line, column, line)
