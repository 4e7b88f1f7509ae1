"""Capture tier 2: torch.export (non-strict) on meta tensors.

ATen nodes are mapped back to modules through ``nn_module_stack``: the nodes of one call of a
leaf module (``conv1``, or ``relu@1`` for its second call) become one layer named after that
module, so layer names and creation sites survive; the other nodes are functional layers.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import replace
from typing import Any

import torch
import torch.fx as fx
from torch import nn
from torch.utils._pytree import tree_leaves

from netlint.capture.layers import Trace, function_layer, module_layer
from netlint.sites import site_in_stack_text
from netlint.load.construct import BuiltModel
from netlint.load.pinned_device import device_of, pinned_to
from netlint.capture.eager import fresh, is_leaf

# ATen op name -> the op category rules read (the same categories as netlint.capture.ops)
_ATEN_OPS = {
    "conv1d": "conv", "conv2d": "conv", "conv3d": "conv", "convolution": "conv",
    "conv_transpose1d": "conv_transpose", "conv_transpose2d": "conv_transpose",
    "conv_transpose3d": "conv_transpose", "linear": "linear", "addmm": "linear",
    "batch_norm": "batch_norm", "_native_batch_norm_legit_no_training": "batch_norm",
    "instance_norm": "instance_norm", "group_norm": "group_norm", "layer_norm": "layer_norm",
    "embedding": "embedding", "dropout": "dropout", "adaptive_avg_pool2d": "adaptive_pool",
    "adaptive_avg_pool1d": "adaptive_pool", "avg_pool2d": "pool", "max_pool2d": "pool",
    "max_pool2d_with_indices": "pool", "relu": "activation", "relu_": "activation",
    "gelu": "activation", "silu": "activation", "silu_": "activation", "sigmoid": "activation",
    "tanh": "activation", "hardtanh": "activation", "hardtanh_": "activation",
    "hardswish": "activation", "hardswish_": "activation", "hardsigmoid": "activation",
    "leaky_relu": "activation", "elu": "activation", "softmax": "activation",
    "_softmax": "activation", "log_softmax": "activation", "_log_softmax": "activation",
    "mish": "activation", "add": "add", "add_": "add", "sub": "add", "mul": "mul", "mul_": "mul",
    "cat": "cat", "stack": "cat", "view": "reshape", "reshape": "reshape", "flatten": "reshape",
    "permute": "reshape", "transpose": "reshape", "_unsafe_view": "reshape",
    "upsample_nearest2d": "upsample", "upsample_bilinear2d": "upsample", "pixel_shuffle": "upsample",
    "mean": "reduce", "sum": "reduce",
}


def run(model: nn.Module, inputs: list[torch.Tensor], built: BuiltModel) -> Trace:
    quiet = io.StringIO()  # export prints the graph when it fails; the note says why
    with warnings.catch_warnings(), contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        warnings.simplefilter("ignore")
        # on meta only: export's own tensors are meta, which a forward pinned to the CPU would move
        pinned = pinned_to("meta") if device_of(inputs, model).type == "meta" else contextlib.nullcontext()
        with pinned:
            program = torch.export.export(model, tuple(fresh(inputs)), strict=False)
    graph = program.graph_module.graph
    lifted = {**program.graph_signature.inputs_to_parameters, **program.graph_signature.inputs_to_buffers}
    user_inputs = set(program.graph_signature.user_inputs)
    modules = dict(model.named_modules(remove_duplicate=False))

    trace = Trace()
    layer_of: dict[fx.Node, int] = {}
    call_of: dict[str, int] = {}  # nn_module_stack key of a leaf call -> its layer
    for node in graph.nodes:
        if node.op == "output":
            returned = [n for n in tree_leaves(node.args[0]) if isinstance(n, fx.Node)][:len(program.graph_signature.user_outputs)]
            trace.outputs = list(dict.fromkeys(layer_of[n] for n in returned if n in layer_of))  # return order
            trace.output_shapes = [_shape(n) for n in returned if _shape(n) is not None]
            continue
        if node.op != "call_function":
            continue
        key, name = _leaf_call(node, modules)
        sources = [n for n in node.all_input_nodes if n.name not in lifted]
        producers = [layer_of[n] for n in sources if n in layer_of]
        reads_input = any(n.name in user_inputs for n in sources)
        if key is not None and key in call_of:  # another ATen op of the same leaf call
            index = call_of[key]
            layer_of[node] = index
            trace.edges.extend((p, index) for p in producers if p != index)
            _replace_output(trace, index, _shape(node))
            continue
        index = len(trace.layers)
        inputs_shapes = tuple(_shape(n) for n in sources)
        if key is not None:
            call_of[key] = index
            layer = module_layer(index, name, modules[name], inputs_shapes, _shape(node), built,
                                 fallback_site=site_in_stack_text(node.meta.get("stack_trace")))
        else:
            aten = node.target.__name__.split(".")[0] if hasattr(node.target, "__name__") else str(node.target)
            params = sum(_numel(n) for n in node.all_input_nodes
                         if program.graph_signature.inputs_to_parameters.get(n.name))
            layer = function_layer(index, node.name, aten, _ATEN_OPS.get(aten, "function"), {},
                                   inputs_shapes, _shape(node), params,
                                   site_in_stack_text(node.meta.get("stack_trace")), _scope(node))
        layer_of[node] = index
        trace.add(layer, producers, reads_input)
    return trace


def _leaf_call(node: fx.Node, modules: dict[str, nn.Module]) -> tuple[str | None, str | None]:
    """The outermost leaf module call this node belongs to: (stack key, qualified name)."""
    for key, (path, _type) in (node.meta.get("nn_module_stack") or {}).items():
        name = _qualified(path)
        module = modules.get(name)
        if name and module is not None and is_leaf(module):
            return key, name
    return None, None


def _scope(node: fx.Node) -> str:
    """The innermost module whose forward made this node ("" for the model's own)."""
    stack = list((node.meta.get("nn_module_stack") or {}).values())
    return _qualified(stack[-1][0]) if stack else ""


def _qualified(path: str) -> str:
    """"L['self'].layer1[0].conv1" or "layer1.0.conv1" -> "layer1.0.conv1"."""
    path = path.replace("L['self']", "").replace("L__self__", "")
    return path.replace("[", ".").replace("]", "").replace("'", "").strip(".")


def _shape(node: fx.Node) -> tuple[int, ...] | None:
    value = node.meta.get("val")
    tensors = [t for t in tree_leaves(value) if isinstance(t, torch.Tensor)]
    return tuple(int(d) for d in tensors[0].shape) if tensors else None


def _numel(node: fx.Node) -> int:
    value = node.meta.get("val")
    return value.numel() if isinstance(value, torch.Tensor) else 0


def _replace_output(trace: Trace, index: int, shape: Any) -> None:
    """A leaf call's output is its last ATen op's."""
    if shape is not None:
        trace.layers[index] = replace(trace.layers[index], output_shape=shape)
