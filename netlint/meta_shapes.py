"""Shape functions for the ops that dominate building and running a model on meta tensors.

torch's meta kernels for many common ops are Python decompositions: per call, layer_norm
takes ~1.4 ms, batch_norm ~1 ms, linear ~0.6 ms and relu ~0.4 ms, where a new empty meta
tensor takes ~0.03 ms; the ``normal_`` of weight initialization takes ~2 ms. A large
model's build and forward on meta spend most of their time in them. These ops keep their
input's shape (linear changes only the last dimension), so when the arguments are ones the
op accepts, the result is an empty meta tensor of that shape (an in-place fill: the tensor).
Whole classes of ATen ops (pointwise, reductions, shape-keeping Python kernels) are handled
one level down, in ``netlint.meta_kernels``, which ``MetaShapes`` activates as well.
Anything else (CPU tensors, mixed dtypes, shapes that do not fit, training-mode batch
norm, masked attention, tensors that track gradients) goes to the real kernel, which
computes it or raises the real error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

from netlint.meta_kernels import MetaKernels, broadcast_shape, defuse_dynamo_disable, symbolic_stand_ins

_Shortcut = Callable[..., "torch.Tensor | None"]  # None: let the real kernel run


def _floating_meta(*tensors: Any) -> bool:
    """All given tensors (None skipped) are meta, floating point, of one dtype."""
    present = [t for t in tensors if t is not None]
    return (all(isinstance(t, torch.Tensor) and t.is_meta and t.is_floating_point() for t in present)
            and len({t.dtype for t in present}) == 1)


def _empty_like(input):
    """``torch.empty_like``, which on meta is a Python reference that imports sympy on its
    first call (~0.4 s, a fifth of importing torch), for the usual contiguous tensor."""
    return input.new_empty(input.shape) if input.is_contiguous() else torch.empty_like(input)


def _elementwise(input, *args, inplace: bool = False, **kwargs):
    if not _floating_meta(input) or any(isinstance(a, torch.Tensor) for a in (*args, *kwargs.values())):
        return None
    return input if inplace else _empty_like(input)


def _in_place(input, *args, **kwargs):
    return _elementwise(input, *args, inplace=True, **kwargs)


def _linear(input, weight, bias=None):
    if not (_floating_meta(input, weight, bias) and input.dim() >= 1 and weight.dim() == 2
            and input.shape[-1] == weight.shape[1] and (bias is None or bias.shape == weight.shape[:1])):
        return None
    return input.new_empty((*input.shape[:-1], weight.shape[0]))


def _channels_fit(input, *per_channel) -> bool:
    return input.dim() >= 2 and all(t is None or t.shape == input.shape[1:2] for t in per_channel)


def _batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
                momentum=0.1, eps=1e-5):
    if training or not (_floating_meta(input, running_mean, running_var, weight, bias)
                        and _channels_fit(input, running_mean, running_var, weight, bias)):
        return None
    return _empty_like(input)


def _layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    shape = tuple(normalized_shape) if isinstance(normalized_shape, (tuple, list, torch.Size)) else (normalized_shape,)
    if not (_floating_meta(input, weight, bias) and input.dim() >= len(shape) > 0
            and tuple(input.shape[-len(shape):]) == shape
            and all(t is None or tuple(t.shape) == shape for t in (weight, bias))):
        return None
    return _empty_like(input)


def _group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    if not (_floating_meta(input, weight, bias) and _channels_fit(input, weight, bias)
            and num_groups > 0 and input.shape[1] % num_groups == 0):
        return None
    return _empty_like(input)


def _number(*values: Any) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _binary(input, other):
    """``a + b``, ``a * b``, ``a - b`` of floating meta tensors of one dtype, or with a number."""
    if _number(other):
        other_shape = input.shape
    elif _floating_meta(input, other):
        other_shape = other.shape
    else:
        return None
    if not _floating_meta(input):
        return None
    shape = broadcast_shape(input.shape, other_shape)
    if shape is None:
        return None
    return _empty_like(input) if shape == input.shape else input.new_empty(shape)


def _binary_in_place(input, other):
    result = _binary(input, other)
    return input if result is not None and result.shape == input.shape else None


def _multi_head_attention(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                          bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                          training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                          use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                          v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                          is_causal=False):
    """The plain case only: batched, packed input projection, no masks or extra keys."""
    if any(a is not None for a in (bias_k, bias_v, key_padding_mask, attn_mask, q_proj_weight, k_proj_weight,
                                   v_proj_weight, static_k, static_v)) \
            or add_zero_attn or use_separate_proj_weight or is_causal:
        return None
    if not (_floating_meta(query, key, value, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias)
            and query.dim() == key.dim() == 3 and key.shape == value.shape):
        return None
    length, batch, width = query.shape
    if not (width == embed_dim_to_check == key.shape[2] and key.shape[1] == batch and num_heads > 0
            and width % num_heads == 0 and in_proj_weight.shape == (3 * width, width)
            and (in_proj_bias is None or in_proj_bias.shape == (3 * width,))
            and out_proj_weight.shape == (width, width)
            and (out_proj_bias is None or out_proj_bias.shape == (width,))):
        return None
    weights = None
    if need_weights:
        heads = () if average_attn_weights else (num_heads,)
        weights = query.new_empty((batch, *heads, length, key.shape[0]))
    return query.new_empty(query.shape), weights


def _instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                   use_input_stats=True, momentum=0.1, eps=1e-5):
    if not (_floating_meta(input, running_mean, running_var, weight, bias) and input.dim() >= 3
            and _channels_fit(input, running_mean, running_var, weight, bias)
            and (use_input_stats or running_mean is not None and running_var is not None)):
        return None
    return _empty_like(input)


def _mean(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None or not _floating_meta(input):
        return None
    rank = max(input.dim(), 1)  # a 0-d tensor takes dimension 0 or -1
    dims = list(range(input.dim())) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    if (dim is not None and not dims) or not all(isinstance(d, int) and -rank <= d < rank for d in dims):
        return None
    reduced = {d % rank for d in dims}
    if len(reduced) != len(dims):
        return None  # a repeated dimension: the kernel raises
    kept = [(1 if keepdim else None) if i in reduced else n for i, n in enumerate(input.shape)]
    return input.new_empty([n for n in kept if n is not None])


def _adaptive_avg_pool2d(input, output_size):
    size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    if not (_floating_meta(input) and input.dim() in (3, 4) and len(size) == 2
            and all(n > 0 for n in input.shape[1:])):
        return None
    size = tuple(input.shape[-2 + i] if n is None else n for i, n in enumerate(size))
    if not all(isinstance(n, int) and n >= 0 for n in size):
        return None
    return input.new_empty((*input.shape[:-2], *size))


def _cat(tensors, dim=0):
    tensors = list(tensors)
    if not (tensors and _floating_meta(*tensors) and isinstance(dim, int)):
        return None
    first = tensors[0]
    if first.dim() == 0 or not -first.dim() <= dim < first.dim():
        return None
    dim %= first.dim()
    if not all(t.dim() == first.dim() and t.shape[:dim] == first.shape[:dim]
               and t.shape[dim + 1:] == first.shape[dim + 1:] for t in tensors):
        return None  # includes the legacy empty 1-D tensors cat skips: the kernel decides
    return first.new_empty((*first.shape[:dim], sum(t.shape[dim] for t in tensors), *first.shape[dim + 1:]))


def _attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
               enable_gqa=False):
    if attn_mask is not None or enable_gqa or not _floating_meta(query, key, value):
        return None
    if not (query.dim() == key.dim() == value.dim() >= 2 and query.shape[:-2] == key.shape[:-2] == value.shape[:-2]
            and key.shape[-2] == value.shape[-2] and query.shape[-1] == key.shape[-1]):
        return None
    return query.new_empty((*query.shape[:-1], value.shape[-1]))


def _sizes(value, rank: int) -> tuple[int, ...] | None:
    """A conv argument (an int or one per spatial dimension) as ``rank`` ints."""
    values = (value,) * rank if isinstance(value, int) else tuple(value) if isinstance(value, (tuple, list)) else ()
    if len(values) == 1:
        values *= rank
    return values if len(values) == rank and all(type(v) is int for v in values) else None


def _convolution(rank: int, transposed: bool) -> _Shortcut:
    """``F.conv{rank}d`` / ``F.conv_transpose{rank}d`` on valid arguments (torch's meta conv
    imports sympy on its first call, ~0.4 s: a fifth of importing torch)."""

    def convolution(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        if padding == "same":  # the output keeps the input's size (torch allows it at stride 1 only)
            if _sizes(stride, rank) != (1,) * rank or not isinstance(input, torch.Tensor) or input.dim() < rank:
                return None
            result = shape(input, weight, bias, 1, 0, 0, groups, dilation)
            return None if result is None else input.new_empty((*result.shape[:-rank], *input.shape[-rank:]))
        return shape(input, weight, bias, stride, padding, 0, groups, dilation)

    def shape(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
        if not (_floating_meta(input, weight, bias) and weight.dim() == rank + 2
                and input.dim() in (rank + 1, rank + 2) and type(groups) is int and groups > 0):
            return None
        batched = input.dim() == rank + 2
        channels, sizes = input.shape[-rank - 1], tuple(input.shape[-rank:])
        kernel = tuple(weight.shape[2:])
        stride, dilation = _sizes(stride, rank), _sizes(dilation, rank)
        output_padding = _sizes(output_padding, rank)
        padding = (0,) * rank if padding == "valid" else _sizes(padding, rank)
        if None in (stride, dilation, output_padding, padding) or min(*stride, *dilation) < 1 or min(*padding, 0) < 0:
            return None
        if transposed:
            outputs = weight.shape[1] * groups
            fits = weight.shape[0] == channels and channels % groups == 0 and all(
                p < max(s, d) for p, s, d in zip(output_padding, stride, dilation))
            out = [(n - 1) * s - 2 * p + d * (k - 1) + q + 1
                   for n, s, p, d, k, q in zip(sizes, stride, padding, dilation, kernel, output_padding)]
        else:
            outputs = weight.shape[0]
            fits = weight.shape[1] * groups == channels and outputs % groups == 0
            out = [(n + 2 * p - d * (k - 1) - 1) // s + 1
                   for n, s, p, d, k in zip(sizes, stride, padding, dilation, kernel)]
        if not (fits and min(out) > 0 and min(sizes) > 0 and (bias is None or tuple(bias.shape) == (outputs,))):
            return None
        return input.new_empty((*input.shape[:1] * batched, outputs, *out))

    return shape if transposed else convolution


def _pixel_shuffle(input, upscale_factor):
    """``F.pixel_shuffle``, whose meta kernel is a Python function whose checks import sympy."""
    r = upscale_factor
    if not (_floating_meta(input) and type(r) is int and r > 0 and input.dim() >= 3
            and input.shape[-3] % (r * r) == 0):
        return None
    *batch, channels, height, width = input.shape
    return input.new_empty((*batch, channels // (r * r), height * r, width * r))


def _pixel_unshuffle(input, downscale_factor):
    r = downscale_factor
    if not (_floating_meta(input) and type(r) is int and r > 0 and input.dim() >= 3
            and input.shape[-2] % r == 0 and input.shape[-1] % r == 0):
        return None
    *batch, channels, height, width = input.shape
    return input.new_empty((*batch, channels * r * r, height // r, width // r))


def _filled(input, valid: bool = True):
    """An in-place fill (weight initialization): on meta there is nothing to fill."""
    return input if valid and _floating_meta(input) else None


def _normal_(input, mean=0.0, std=1.0, *, generator=None):
    return _filled(input, _number(mean, std) and std >= 0)


def _uniform_(input, *args, generator=None, **kwargs):
    """``uniform_(from=0, to=1)``: ``from`` is a Python keyword, so not a parameter here."""
    low = args[0] if len(args) > 0 else kwargs.pop("from", 0.0)
    high = args[1] if len(args) > 1 else kwargs.pop("to", 1.0)
    return _filled(input, len(args) <= 2 and not kwargs and _number(low, high) and low <= high)


def _fill_(input, value):
    return _filled(input, _number(value))


def _zero_(input):
    return _filled(input)


_SHORTCUTS: dict[Any, _Shortcut] = {
    **{f: _elementwise for f in (
        F.relu, torch.relu, torch.Tensor.relu, F.relu6, F.gelu, F.silu, F.mish, F.hardswish,
        F.hardsigmoid, F.elu, F.selu, F.leaky_relu, F.hardtanh, torch.sigmoid, torch.Tensor.sigmoid,
        torch.tanh, torch.Tensor.tanh, F.sigmoid, F.tanh)},
    **{f: _in_place for f in (torch.relu_, torch.Tensor.relu_, F.relu_, F.leaky_relu_, F.hardtanh_,
                              F.elu_, torch.Tensor.sigmoid_, torch.Tensor.tanh_)},
    **{f: _binary for f in (torch.add, torch.Tensor.add, torch.Tensor.__add__, torch.Tensor.__radd__,
                            torch.sub, torch.Tensor.sub, torch.Tensor.__sub__, torch.mul, torch.Tensor.mul,
                            torch.Tensor.__mul__, torch.Tensor.__rmul__)},
    **{f: _binary_in_place for f in (torch.Tensor.add_, torch.Tensor.__iadd__, torch.Tensor.sub_,
                                     torch.Tensor.__isub__, torch.Tensor.mul_, torch.Tensor.__imul__)},
    F.multi_head_attention_forward: _multi_head_attention,
    F.linear: _linear,
    **{f: _convolution(rank, transposed=False) for rank, f in enumerate((F.conv1d, F.conv2d, F.conv3d), 1)},
    **{f: _convolution(rank, transposed=True)
       for rank, f in enumerate((F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d), 1)},
    F.instance_norm: _instance_norm,
    F.pixel_shuffle: _pixel_shuffle,
    torch.pixel_shuffle: _pixel_shuffle,
    F.pixel_unshuffle: _pixel_unshuffle,
    torch.pixel_unshuffle: _pixel_unshuffle,
    torch.mean: _mean,
    torch.Tensor.mean: _mean,
    F.adaptive_avg_pool2d: _adaptive_avg_pool2d,
    torch.cat: _cat,
    F.scaled_dot_product_attention: _attention,
    F.batch_norm: _batch_norm,
    F.layer_norm: _layer_norm,
    F.group_norm: _group_norm,
    torch.Tensor.normal_: _normal_,
    torch.Tensor.uniform_: _uniform_,
    torch.Tensor.fill_: _fill_,
    torch.Tensor.zero_: _zero_,
    torch.Tensor.erfinv_: _zero_,  # trunc_normal_'s steps, no arguments
}


def shortcut(func, args: tuple, kwargs: dict) -> Any:
    """The result of ``func`` by its shape function, or None when the real kernel must run."""
    shape_function = _SHORTCUTS.get(func)
    if shape_function is None or _tracks_gradients(args, kwargs):  # shortcuts make no autograd history
        return None
    try:
        return shape_function(*args, **kwargs)
    except TypeError:  # arguments the shape function does not know: the real op decides
        return None


def _tracks_gradients(args: tuple, kwargs: dict) -> bool:
    if not torch.is_grad_enabled():
        return False
    values = [*args, *kwargs.values()]
    values += [v for value in values if isinstance(value, (list, tuple)) for v in value]
    return any(isinstance(v, torch.Tensor) and v.requires_grad for v in values)


class MetaShapes(TorchFunctionMode):
    """While active, the ops above take their shape shortcut on meta tensors, and the ATen ops
    below them the rules of ``netlint.meta_kernels`` (whole classes of ops)."""

    def __enter__(self):
        defuse_dynamo_disable()
        self._below = contextlib.ExitStack()
        with self._below as below:
            below.enter_context(symbolic_stand_ins())
            below.enter_context(MetaKernels())
            result = super().__enter__()
            self._below = below.pop_all()
        return result

    def __exit__(self, *exc_info):
        try:
            return super().__exit__(*exc_info)
        finally:
            self._below.__exit__(*exc_info)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        result = shortcut(func, args, kwargs)
        return func(*args, **kwargs) if result is None else result
