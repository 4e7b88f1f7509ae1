"""The shape shortcuts on meta tensors give what torch's own meta kernels give: the same
shapes and dtypes when the arguments fit, the same error when they do not."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils._pytree import tree_map

from netlint.meta_shapes import MetaShapes, shortcut


def meta(*shape, dtype=torch.float32):
    return torch.empty(shape, device="meta", dtype=dtype)


X = meta(2, 8, 5, 5)
SEQ = meta(2, 7, 8)

# (function, args, kwargs, whether the shortcut should take it)
CASES = [
    (F.relu, (X,), {}, True),
    (F.relu, (X,), {"inplace": True}, True),
    (torch.Tensor.relu, (X.to(memory_format=torch.channels_last),), {}, True),
    (F.gelu, (SEQ,), {"approximate": "tanh"}, True),
    (F.leaky_relu, (X, 0.2), {}, True),
    (F.hardtanh, (X, -1.0, 1.0), {}, True),
    (F.relu6, (X,), {}, True),
    (torch.sigmoid, (meta(3, dtype=torch.bfloat16),), {}, True),
    (F.relu, (meta(3, dtype=torch.int64),), {}, False),
    (F.linear, (SEQ, meta(4, 8), meta(4)), {}, True),
    (F.linear, (meta(8), meta(4, 8)), {}, True),
    (F.linear, (SEQ, meta(4, 9)), {}, False),  # does not fit: the kernel raises
    (F.linear, (SEQ, meta(4, 8), meta(5)), {}, False),
    (F.linear, (SEQ.half(), meta(4, 8)), {}, False),
    (F.batch_norm, (X, meta(8), meta(8), meta(8), meta(8)), {}, True),
    (F.batch_norm, (X, meta(7), meta(7)), {}, False),
    (F.batch_norm, (X, meta(8), meta(8)), {"training": True}, False),
    (F.layer_norm, (SEQ, (8,), meta(8), meta(8)), {}, True),
    (F.layer_norm, (SEQ, [7, 8]), {}, True),
    (F.layer_norm, (SEQ, (7,)), {}, False),
    (F.group_norm, (X, 4, meta(8), meta(8)), {}, True),
    (F.group_norm, (X, 3), {}, False),
    (torch.Tensor.__add__, (X, X), {}, True),
    (torch.add, (meta(2, 1, 4), meta(3, 1)), {}, True),
    (torch.Tensor.__rmul__, (X, 0.5), {}, True),
    (torch.sub, (X, X), {"alpha": 2}, False),
    (torch.Tensor.__add__, (meta(2, 3), meta(4, 3)), {}, False),
    (torch.Tensor.__add__, (meta(3, dtype=torch.int64), 0.5), {}, False),
    (torch.Tensor.__mul__, (X, X.half()), {}, False),
    (torch.Tensor.add_, (meta(2, 3), meta(3)), {}, True),
    (torch.Tensor.add_, (meta(3), meta(2, 3)), {}, False),
    (F.instance_norm, (X,), {}, True),
    (F.instance_norm, (X, None, None, meta(8), meta(8)), {}, True),
    (F.instance_norm, (X, meta(8), meta(8)), {"use_input_stats": False}, True),
    (F.instance_norm, (X, None, None, meta(7)), {}, False),
    (torch.Tensor.mean, (X, (2, 3)), {}, True),
    (torch.Tensor.mean, (X, [-1]), {"keepdim": True}, True),
    (torch.mean, (X,), {}, True),
    (torch.mean, (meta(),), {}, True),
    (torch.Tensor.mean, (X, 4), {}, False),
    (torch.Tensor.mean, (X, (1, -3)), {}, False),
    (torch.Tensor.mean, (X, 1), {"dtype": torch.float64}, False),
    (F.adaptive_avg_pool2d, (X, 1), {}, True),
    (F.adaptive_avg_pool2d, (X, (3, None)), {}, True),
    (F.adaptive_avg_pool2d, (meta(8, 5, 5), (2, 2)), {}, True),
    (F.adaptive_avg_pool2d, (meta(2, 8, 0, 5), 1), {}, False),
    (torch.cat, ([X, X],), {"dim": 1}, True),
    (torch.cat, ((X, meta(2, 3, 5, 5)), -3), {}, True),
    (torch.cat, ([X, meta(2, 8, 4, 5)], 1), {}, False),
    (torch.cat, ([X, meta(0)],), {}, False),
    (torch.cat, ([X, X.half()],), {}, False),
    (F.scaled_dot_product_attention, (meta(2, 4, 7, 16), meta(2, 4, 9, 16), meta(2, 4, 9, 32)), {}, True),
    (F.scaled_dot_product_attention, (meta(2, 4, 7, 16),) * 3, {"is_causal": True}, True),
    (F.scaled_dot_product_attention, (meta(2, 4, 7, 16), meta(2, 4, 9, 8), meta(2, 4, 9, 8)), {}, False),
    (F.scaled_dot_product_attention, (meta(2, 4, 7, 16),) * 3, {"attn_mask": meta(7, 7)}, False),
    (torch.Tensor.normal_, (meta(4, 3),), {}, True),
    (torch.Tensor.normal_, (meta(4, 3), 0.0, 0.02), {}, True),
    (torch.Tensor.normal_, (meta(4, 3),), {"std": -1.0}, False),
    (torch.Tensor.uniform_, (meta(4, 3), -0.1, 0.1), {}, True),
    (torch.Tensor.uniform_, (meta(4, 3),), {"from": -0.1, "to": 0.1}, True),
    (torch.Tensor.uniform_, (meta(4, 3), 1.0, -1.0), {}, False),
    (torch.Tensor.fill_, (meta(4), 0.5), {}, True),
    (torch.Tensor.zero_, (meta(4),), {}, True),
    (torch.Tensor.erfinv_, (meta(4),), {}, True),
    (torch.Tensor.normal_, (meta(4, dtype=torch.int64),), {}, False),
    (F.conv2d, (X, meta(16, 8, 3, 3), meta(16)), {}, True),
    (F.conv2d, (X, meta(16, 8, 3, 3), None, (2, 1), (1, 0), (1, 2)), {}, True),
    (F.conv2d, (X, meta(8, 1, 3, 3), None, 1, "same", 2, 8), {}, True),  # depthwise, dilated
    (F.conv2d, (X, meta(16, 4, 1, 1), None, 1, "valid", 1, 2), {}, True),
    (F.conv2d, (meta(8, 5, 5), meta(4, 8, 3, 3)), {}, True),  # unbatched
    (F.conv2d, (X, meta(16, 8, 3, 3)), {"stride": 2, "groups": 1}, True),
    (F.conv2d, (X, meta(16, 7, 3, 3)), {}, False),  # channels do not fit: the kernel raises
    (F.conv2d, (X, meta(16, 8, 7, 7)), {}, False),  # kernel larger than the input
    (F.conv2d, (X, meta(16, 8, 3, 3), meta(15)), {}, False),
    (F.conv2d, (X, meta(16, 8, 3, 3), None, 2, "same"), {}, False),
    (F.conv2d, (X, meta(16, 8, 3, 3).half()), {}, False),
    (F.conv1d, (SEQ, meta(4, 7, 3), None, 2, 1), {}, True),
    (F.conv3d, (meta(1, 2, 4, 6, 6), meta(3, 2, 3, 3, 3), None, 1, 1), {}, True),
    (F.conv_transpose2d, (X, meta(8, 4, 4, 4), meta(4), 2, 1), {}, True),
    (F.conv_transpose2d, (X, meta(8, 2, 3, 3), None, 2, 1, 1, 2), {}, True),  # output_padding, groups
    (F.conv_transpose2d, (X, meta(8, 4, 3, 3), None, 1, 0, 1), {}, False),  # output_padding ≥ stride
    (F.conv_transpose1d, (SEQ, meta(7, 3, 4), None, 2), {}, True),
    (F.conv_transpose3d, (meta(1, 2, 3, 3, 3), meta(2, 2, 2, 2, 2), None, 2), {}, True),
]


def outcome(function, args, kwargs):
    """Shapes and dtypes of what the call returns, or the type of the error it raises."""
    try:
        result = function(*args, **kwargs)
    except Exception as exc:
        return type(exc)
    return tree_map(lambda t: (tuple(t.shape), t.dtype) if isinstance(t, torch.Tensor) else t, result)


@pytest.mark.parametrize("function, args, kwargs, fits", CASES,
                         ids=[f"{i}-{getattr(c[0], '__name__', c[0])}" for i, c in enumerate(CASES)])
def test_a_shortcut_agrees_with_the_meta_kernel(function, args, kwargs, fits):
    with torch.no_grad():
        real = outcome(function, args, kwargs)
        with MetaShapes():
            fast = outcome(function, args, kwargs)
        assert fast == real
        assert (shortcut(function, args, kwargs) is not None) == fits


def test_in_place_shortcuts_return_their_input():
    with torch.no_grad(), MetaShapes():
        assert F.relu(X, inplace=True) is X
        assert X.add_(X) is X


@pytest.mark.parametrize("kwargs", [{}, {"need_weights": False}, {"average_attn_weights": False},
                                    {"attn_mask": meta(7, 7)}])
@pytest.mark.parametrize("batch_first", [True, False])
def test_multi_head_attention_agrees_with_the_meta_kernel(kwargs, batch_first):
    attention = nn.MultiheadAttention(8, 2, batch_first=batch_first, device="meta").eval()
    with torch.no_grad():
        real = outcome(attention, (SEQ, SEQ, SEQ), kwargs)
        with MetaShapes():
            fast = outcome(attention, (SEQ, SEQ, SEQ), kwargs)
    assert fast == real


def test_gradients_take_the_real_kernel():
    weight = nn.Parameter(meta(4, 8))
    with MetaShapes():
        assert F.linear(SEQ, weight).grad_fn is not None
        assert F.linear(SEQ, weight.detach()).grad_fn is None  # nothing to track: the shortcut
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            weight.normal_()


def test_a_model_built_on_meta_is_initialized_as_on_the_cpu():
    """Initialization is skipped on meta, its checks are not: the same models build or fail."""
    on_cpu = nn.TransformerEncoderLayer(64, 4)
    with torch.device("meta"), MetaShapes():
        on_meta = nn.TransformerEncoderLayer(64, 4)
        assert [(n, p.shape) for n, p in on_meta.named_parameters()] == \
            [(n, p.shape) for n, p in on_cpu.named_parameters()]
        with pytest.raises(ValueError, match="fewer than 2 dimensions"):
            nn.init.kaiming_normal_(torch.empty(5))
