"""What kind of operation a module or a function is, and its attributes.

Module and functional forms of the same operation get the same ``op`` category and the
same attribute keys, so a rule written for ``nn.Conv2d`` also sees ``F.conv2d``.
"""

from __future__ import annotations

import operator
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

MODULE_OPS: tuple[tuple[type, str], ...] = (
    (nn.modules.conv._ConvTransposeNd, "conv_transpose"),
    (nn.modules.conv._ConvNd, "conv"),
    (nn.Linear, "linear"),
    (nn.Bilinear, "linear"),
    (nn.modules.batchnorm._BatchNorm, "batch_norm"),  # BatchNorm1d/2d/3d, SyncBatchNorm
    (nn.modules.instancenorm._InstanceNorm, "instance_norm"),
    (nn.GroupNorm, "group_norm"),
    (nn.LayerNorm, "layer_norm"),
    (nn.Embedding, "embedding"),
    (nn.EmbeddingBag, "embedding"),
    (nn.modules.dropout._DropoutNd, "dropout"),
    (nn.modules.pooling._AdaptiveAvgPoolNd, "adaptive_pool"),
    (nn.modules.pooling._AdaptiveMaxPoolNd, "adaptive_pool"),
    (nn.modules.pooling._AvgPoolNd, "pool"),
    (nn.modules.pooling._MaxPoolNd, "pool"),
    (nn.Flatten, "reshape"),
    (nn.Unflatten, "reshape"),
    (nn.Upsample, "upsample"),
    (nn.PixelShuffle, "upsample"),
    (nn.Identity, "identity"),
)

ACTIVATION_MODULES = (
    nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.PReLU, nn.ELU, nn.SELU, nn.CELU, nn.GELU, nn.SiLU,
    nn.Mish, nn.Sigmoid, nn.Tanh, nn.Hardtanh, nn.Hardswish, nn.Hardsigmoid, nn.Softplus,
    nn.Softmax, nn.LogSoftmax, nn.Softsign, nn.Tanhshrink, nn.GLU, nn.RReLU, nn.Threshold,
)

FUNCTION_OPS: dict[Any, str] = {
    F.conv1d: "conv", F.conv2d: "conv", F.conv3d: "conv",
    torch.conv1d: "conv", torch.conv2d: "conv", torch.conv3d: "conv",
    F.conv_transpose1d: "conv_transpose", F.conv_transpose2d: "conv_transpose",
    F.conv_transpose3d: "conv_transpose",
    F.linear: "linear",
    F.batch_norm: "batch_norm", torch.batch_norm: "batch_norm",
    F.instance_norm: "instance_norm", F.group_norm: "group_norm", F.layer_norm: "layer_norm",
    F.embedding: "embedding",
    F.dropout: "dropout", F.dropout2d: "dropout", F.dropout3d: "dropout",
    F.adaptive_avg_pool1d: "adaptive_pool", F.adaptive_avg_pool2d: "adaptive_pool",
    F.adaptive_avg_pool3d: "adaptive_pool", F.adaptive_max_pool2d: "adaptive_pool",
    F.avg_pool2d: "pool", F.max_pool2d: "pool", F.avg_pool1d: "pool", F.max_pool1d: "pool",
    torch.flatten: "reshape", torch.reshape: "reshape",
    F.interpolate: "upsample", F.pixel_shuffle: "upsample",
    operator.add: "add", torch.add: "add", operator.iadd: "add",
    operator.mul: "mul", torch.mul: "mul", operator.imul: "mul",
    torch.cat: "cat", torch.stack: "cat",
}
ACTIVATION_FUNCTIONS = {
    F.relu, F.relu_, torch.relu, torch.relu_, F.relu6, F.leaky_relu, F.elu, F.selu, F.gelu,
    F.silu, F.mish, torch.sigmoid, F.sigmoid, torch.tanh, F.tanh, F.hardtanh, F.hardswish,
    F.hardsigmoid, F.softplus, F.softmax, F.log_softmax, torch.softmax, torch.log_softmax,
    F.glu, F.prelu,
}
METHOD_OPS = {
    "view": "reshape", "reshape": "reshape", "flatten": "reshape", "permute": "reshape",
    "transpose": "reshape", "contiguous": "identity", "add": "add", "add_": "add",
    "mul": "mul", "mul_": "mul", "relu": "activation", "relu_": "activation",
    "sigmoid": "activation", "tanh": "activation", "softmax": "activation",
    "log_softmax": "activation", "mean": "reduce", "sum": "reduce",
}


FUNCTION_PARAMETERS = {  # positional parameter names of the functional forms
    "conv": ("input", "weight", "bias", "stride", "padding", "dilation", "groups"),
    "conv_transpose": ("input", "weight", "bias", "stride", "padding", "output_padding", "groups",
                       "dilation"),
    "linear": ("input", "weight", "bias"),
    "pool": ("input", "kernel_size", "stride", "padding"),  # the prefix max and avg pooling share
    "dropout": ("input", "p"),
}

_POOL_DIMS = ((nn.MaxPool1d, 1), (nn.AvgPool1d, 1), (nn.MaxPool2d, 2), (nn.AvgPool2d, 2),
              (nn.MaxPool3d, 3), (nn.AvgPool3d, 3))


def module_op(module: nn.Module) -> str:
    if isinstance(module, ACTIVATION_MODULES):
        return "activation"
    for cls, op in MODULE_OPS:
        if isinstance(module, cls):
            return op
    return "module"


def function_op(fn: Any) -> str:
    if fn in ACTIVATION_FUNCTIONS:
        return "activation"
    return FUNCTION_OPS.get(fn, "function")


def method_op(name: str) -> str:
    return METHOD_OPS.get(name, "method")


def _tuple(value: Any, dims: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims


def module_attrs(module: nn.Module) -> dict[str, Any]:
    """The constructor attributes rules look at, read from the module itself."""
    if isinstance(module, nn.modules.conv._ConvNd):
        dims = len(module.kernel_size)  # (a project may set ``conv.stride = 1`` after building it: an int)
        return {
            "in_channels": module.in_channels,
            "out_channels": module.out_channels,
            "kernel_size": tuple(module.kernel_size),
            "stride": _tuple(module.stride, dims),
            "padding": module.padding if isinstance(module.padding, str) else _tuple(module.padding, dims),
            "dilation": _tuple(module.dilation, dims),
            "groups": module.groups,
            "bias": module.bias is not None,
            "dims": len(module.kernel_size),
            "padding_mode": module.padding_mode,
        }
    if isinstance(module, nn.Linear):
        return {"in_features": module.in_features, "out_features": module.out_features,
                "bias": module.bias is not None}
    if isinstance(module, nn.modules.batchnorm._NormBase):
        return {"num_features": module.num_features, "affine": module.affine,
                "track_running_stats": module.track_running_stats}
    if isinstance(module, nn.GroupNorm):
        return {"num_groups": module.num_groups, "num_channels": module.num_channels,
                "affine": module.affine}
    if isinstance(module, nn.Embedding):
        return {"num_embeddings": module.num_embeddings, "embedding_dim": module.embedding_dim}
    if isinstance(module, (nn.modules.pooling._MaxPoolNd, nn.modules.pooling._AvgPoolNd)):
        dims = next((d for cls, d in _POOL_DIMS if isinstance(module, cls)), None)
        return {} if dims is None else _pool_attrs(
            dims, module.kernel_size, module.stride, module.padding,
            getattr(module, "dilation", 1), module.ceil_mode)
    if isinstance(module, nn.modules.dropout._DropoutNd):
        return {"p": module.p}
    return {}


def _pool_attrs(dims: int, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                ceil_mode: bool) -> dict[str, Any]:
    kernel = _tuple(kernel_size, dims)
    return {"kernel_size": kernel, "stride": _tuple(stride, dims) if stride else kernel,
            "padding": _tuple(padding, dims), "dilation": _tuple(dilation, dims),
            "ceil_mode": bool(ceil_mode), "dims": dims}


def function_attrs(op: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The same attributes as ``module_attrs`` for a functional call, from its normalized
    arguments (tensors given as their shapes)."""
    weight = kwargs.get("weight")
    if op in ("conv", "conv_transpose") and weight is not None:
        groups = kwargs.get("groups", 1)
        dims = len(weight) - 2
        if op == "conv":
            in_channels, out_channels = weight[1] * groups, weight[0]
        else:
            in_channels, out_channels = weight[0], weight[1] * groups
        return {
            "in_channels": in_channels,
            "out_channels": out_channels,
            "kernel_size": tuple(weight[2:]),
            "stride": _tuple(kwargs.get("stride", 1), dims),
            "padding": kwargs.get("padding", 0) if isinstance(kwargs.get("padding"), str)
            else _tuple(kwargs.get("padding", 0), dims),
            "dilation": _tuple(kwargs.get("dilation", 1), dims),
            "groups": groups,
            "bias": kwargs.get("bias") is not None,
            "dims": dims,
        }
    if op == "linear" and weight is not None:
        return {"in_features": weight[1], "out_features": weight[0],
                "bias": kwargs.get("bias") is not None}
    if op == "pool" and kwargs.get("kernel_size") is not None:
        shape = kwargs.get("input")
        kernel = kwargs["kernel_size"]
        dims = len(kernel) if isinstance(kernel, (tuple, list)) else \
            (len(shape) - 2 if isinstance(shape, tuple) and len(shape) > 2 else None)
        return {} if dims is None else _pool_attrs(
            dims, kernel, kwargs.get("stride"), kwargs.get("padding", 0), kwargs.get("dilation", 1),
            kwargs.get("ceil_mode", False))
    if op == "dropout":
        return {"p": kwargs.get("p", 0.5)}
    return {}
