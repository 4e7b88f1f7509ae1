"""Multiply-adds of one layer, from its type, attributes and shapes.

Counted: convolutions, transposed convolutions, linear layers, matrix products, attention
(``F.scaled_dot_product_attention`` and ``nn.MultiheadAttention``). Element-wise ops,
normalization, pooling and reshapes count 0. ``None`` means the layer does multiply-adds
that cannot be counted here (its shapes are unknown, or a layer with weights of a kind
not listed, such as an LSTM).
"""

from __future__ import annotations

from math import prod

from netlint.graph import Layer

MATMUL_TYPES = {"matmul", "__matmul__", "__rmatmul__", "mm", "bmm", "baddbmm"}
NO_MULTIPLY_ADDS = {"activation", "pool", "adaptive_pool", "reshape", "identity", "dropout", "add",
                    "mul", "cat", "upsample", "reduce", "embedding", "batch_norm", "instance_norm",
                    "group_norm", "layer_norm"}


def layer_macs(layer: Layer) -> int | None:
    """The layer's multiply-adds for the shapes it was called with."""
    out = layer.output_shape
    inputs = [s for s in layer.input_shapes if s is not None]
    attrs = layer.attrs
    module = layer.module
    if type(module).__name__ == "MultiheadAttention":
        return _multihead_attention(module, inputs)
    if layer.op == "conv":
        if out is None or "in_channels" not in attrs:
            return None
        return prod(out) * attrs["in_channels"] // attrs["groups"] * prod(attrs["kernel_size"])
    if layer.op == "conv_transpose":
        if not inputs or "out_channels" not in attrs:
            return None
        return prod(inputs[0]) * attrs["out_channels"] // attrs["groups"] * prod(attrs["kernel_size"])
    if layer.op == "linear":
        if type(module).__name__ == "Bilinear":
            return None if out is None else prod(out) * module.in1_features * module.in2_features
        features = attrs.get("in_features") or (inputs[0][-1] if inputs and inputs[0] else None)
        return None if out is None or features is None else prod(out) * features
    if "scaled_dot_product" in layer.type:
        if len(inputs) < 3 or len(inputs[0]) < 2:
            return None
        query, key, value = inputs[:3]
        return prod(query[:-1]) * key[-2] * (query[-1] + value[-1])
    if layer.type in MATMUL_TYPES:
        if out is None or len(inputs) != 2 or not inputs[0]:
            return None  # one operand is a parameter: which side it is on is not recorded
        return prod(out) * inputs[0][-1]
    if layer.op in NO_MULTIPLY_ADDS or layer.params == 0:
        return 0
    return None


def _multihead_attention(module, inputs: list[tuple[int, ...]]) -> int | None:
    if not inputs:
        return None
    query = inputs[0]
    key = inputs[1] if len(inputs) > 1 else query
    if len(query) == 2:  # unbatched (L, E)
        batch, length, source = 1, query[0], key[0]
    elif module.batch_first:
        batch, length, source = query[0], query[1], key[1]
    else:
        batch, length, source = query[1], query[0], key[0]
    width = module.embed_dim
    projections = length * width * width + source * (module.kdim + module.vdim) * width
    attention = 2 * length * source * width
    return batch * (projections + attention + length * width * width)
