"""Random model source files for fuzzing netlint (hypothesis strategies), and the properties
every one of them must satisfy when linted through the real CLI.

``models()`` draws a model as source code: chains and branches of convolutions (1-D to
3-D; kernel, stride, padding incl. "same", dilation, groups incl. depthwise, bias),
transposed convolutions, norms, activations (repeated too), pooling, dropout, upsampling
and pixel shuffle, residual additions, channel concatenations, a flatten + Linear head,
modules applied twice and parameters tied between layers, one or two inputs and tensor,
tuple or dict outputs; or an embedding/MLP model on tokens or features. Shapes are
consistent by construction: the generator tracks them. ``check(folder, sources)`` lints
the files and states which property broke, if any.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

NETLINT = [sys.executable, "-m", "netlint"]
ACTIVATIONS = ["nn.ReLU()", "nn.GELU()", "nn.SiLU()", "nn.LeakyReLU(0.2)", "nn.Sigmoid()", "nn.Tanh()",
               "nn.ReLU6()", "nn.Hardswish()"]


@dataclass
class Model:
    """A model being drawn: the constructor's and the forward's lines, and the current shape."""

    name: str
    channels: int
    sizes: list[int]
    init: list[str] = field(default_factory=list)
    forward: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, module: str) -> str:
        self.count += 1
        attribute = f"m{self.count}"
        self.init.append(f"self.{attribute} = {module}")
        return f"self.{attribute}"

    def apply(self, module: str) -> None:
        self.forward.append(f"x = {self.add(module)}(x)")


def _conv_output(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


@st.composite
def _conv(draw, m: Model, dim: int) -> None:
    out = draw(st.integers(1, 16))
    kernel = draw(st.sampled_from([1, 2, 3, 5]))
    stride = draw(st.sampled_from([1, 1, 2]))
    dilation = draw(st.sampled_from([1, 1, 2]))
    padding = draw(st.sampled_from([0, kernel // 2, "same"] if stride == 1 else [0, kernel // 2]))
    sizes = m.sizes if padding == "same" else [_conv_output(s, kernel, stride, padding, dilation) for s in m.sizes]
    if min(sizes) < 1:
        kernel, dilation, padding, sizes = 1, 1, 0, [_conv_output(s, 1, stride, 0, 1) for s in m.sizes]
    divisors = [g for g in range(1, m.channels + 1) if m.channels % g == 0 and out % g == 0]
    groups = draw(st.sampled_from(divisors))
    if draw(st.booleans()) and out % m.channels == 0:
        groups = m.channels  # depthwise (a channel multiplier when out > in)
    bias = draw(st.booleans())
    m.apply(f"nn.Conv{dim}d({m.channels}, {out}, {kernel}, stride={stride}, padding={padding!r}, "
            f"dilation={dilation}, groups={groups}, bias={bias})")
    m.channels, m.sizes = out, sizes


@st.composite
def _transposed(draw, m: Model, dim: int) -> None:
    if max(m.sizes) > 16:
        return
    out = draw(st.integers(1, 12))
    kernel = draw(st.sampled_from([2, 3, 4]))
    stride = draw(st.sampled_from([1, 2]))
    padding = draw(st.integers(0, (kernel - 1) // 2))
    output_padding = draw(st.integers(0, stride - 1))
    m.apply(f"nn.ConvTranspose{dim}d({m.channels}, {out}, {kernel}, stride={stride}, padding={padding}, "
            f"output_padding={output_padding})")
    m.channels = out
    m.sizes = [(s - 1) * stride - 2 * padding + kernel + output_padding for s in m.sizes]


@st.composite
def _norm(draw, m: Model, dim: int) -> None:
    c = m.channels
    choices = [f"nn.BatchNorm{dim}d({c})", f"nn.InstanceNorm{dim}d({c}, affine={draw(st.booleans())})",
               f"nn.GroupNorm({draw(st.sampled_from([g for g in range(1, c + 1) if c % g == 0]))}, {c})",
               f"nn.LayerNorm({[c, *m.sizes]})"]
    if dim == 1 or min(m.sizes) < 2:
        choices[1] = f"nn.BatchNorm{dim}d({c})"  # InstanceNorm needs more than one value per channel
    m.apply(draw(st.sampled_from(choices)))


@st.composite
def _activation(draw, m: Model, dim: int) -> None:
    activation = draw(st.sampled_from(ACTIVATIONS))
    for _ in range(draw(st.sampled_from([1, 1, 1, 2]))):  # sometimes twice in a row
        if draw(st.booleans()):
            m.apply(activation)
        else:
            m.forward.append(f"x = torch.relu(x)" if "ReLU()" in activation else f"x = F.silu(x)")


@st.composite
def _pool(draw, m: Model, dim: int) -> None:
    if min(m.sizes) >= 2:
        m.apply(f"nn.{draw(st.sampled_from(['MaxPool', 'AvgPool']))}{dim}d(2)")
        m.sizes = [s // 2 for s in m.sizes]


@st.composite
def _dropout(draw, m: Model, dim: int) -> None:
    m.apply(f"nn.Dropout(p={draw(st.sampled_from([0.1, 0.5]))})")


@st.composite
def _upsample(draw, m: Model, dim: int) -> None:
    if max(m.sizes) > 16:
        return
    if dim == 2 and m.channels % 4 == 0 and draw(st.booleans()):
        m.apply("nn.PixelShuffle(2)")
        m.channels //= 4
    else:
        m.apply("nn.Upsample(scale_factor=2, mode='nearest')")
    m.sizes = [s * 2 for s in m.sizes]


@st.composite
def _residual(draw, m: Model, dim: int) -> None:
    body = [f"nn.Conv{dim}d({m.channels}, {m.channels}, 3, padding=1, bias={draw(st.booleans())})"]
    if draw(st.booleans()):
        body.append(f"nn.BatchNorm{dim}d({m.channels})")
    if draw(st.booleans()):
        body.append(draw(st.sampled_from(ACTIVATIONS)))
    block = m.add(f"nn.Sequential({', '.join(body)})")
    m.forward.append(f"x = x + {block}(x)")


@st.composite
def _concat(draw, m: Model, dim: int) -> None:
    a, b = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    left = m.add(f"nn.Conv{dim}d({m.channels}, {a}, 1)")
    right = m.add(f"nn.Conv{dim}d({m.channels}, {b}, 3, padding=1)")
    m.forward.append(f"x = torch.cat([{left}(x), {right}(x)], dim=1)")
    m.channels = a + b


@st.composite
def _shared(draw, m: Model, dim: int) -> None:
    """One module applied twice, or two layers sharing one weight."""
    c = m.channels
    if draw(st.booleans()):
        conv = m.add(f"nn.Conv{dim}d({c}, {c}, 3, padding=1)")
        m.forward.append(f"x = {conv}({conv}(x))")
    else:
        first, second = m.add(f"nn.Conv{dim}d({c}, {c}, 1)"), m.add(f"nn.Conv{dim}d({c}, {c}, 1, bias=False)")
        m.init.append(f"{second}.weight = {first}.weight")
        m.forward.append(f"x = {second}({first}(x))")


IMAGE_STEPS = [_conv, _conv, _conv, _transposed, _norm, _norm, _activation, _activation, _pool, _dropout,
               _upsample, _residual, _concat, _shared]


@st.composite
def image_model(draw, name: str) -> str:
    dim = draw(st.sampled_from([1, 2, 2, 2, 3]))
    channels = draw(st.integers(1, 4))
    side = draw(st.sampled_from([8, 12, 16] if dim < 3 else [6, 8]))
    m = Model(name, channels, [side] * dim)
    inputs = ["x"]
    if draw(st.integers(0, 4)) == 0:  # a second input, added or concatenated
        inputs.append("y")
        if draw(st.booleans()):
            m.forward.append("x = x + y")
        else:
            m.forward.append("x = torch.cat([x, y], dim=1)")
            m.channels *= 2
    for step in draw(st.lists(st.sampled_from(IMAGE_STEPS), min_size=1, max_size=7)):
        draw(step(m, dim))
    output = "x"
    if draw(st.booleans()):
        m.apply(f"nn.AdaptiveAvgPool{dim}d(1)")
        m.apply("nn.Flatten()")
        m.apply(f"nn.Linear({m.channels}, {draw(st.integers(1, 10))})")
    kind = draw(st.sampled_from(["tensor", "tensor", "tuple", "dict"]))
    if kind == "tuple":
        output = "x, x.mean()"
    elif kind == "dict":
        output = '{"out": x}'
    return _source(m, inputs, output)


@st.composite
def sequence_model(draw, name: str) -> str:
    width, vocabulary = draw(st.integers(2, 32)), draw(st.integers(2, 50))
    m = Model(name, width, [])
    tokens = draw(st.booleans())
    if tokens:
        m.apply(f"nn.Embedding({vocabulary}, {width})")
    for _ in range(draw(st.integers(1, 5))):
        step = draw(st.sampled_from(["linear", "linear", "norm", "activation", "dropout"]))
        if step == "linear":
            out = draw(st.integers(1, 32))
            m.apply(f"nn.Linear({m.channels}, {out}, bias={draw(st.booleans())})")
            m.channels = out
        elif step == "norm":
            m.apply(f"nn.LayerNorm({m.channels})")
        elif step == "activation":
            m.apply(draw(st.sampled_from(ACTIVATIONS)))
        else:
            m.apply("nn.Dropout(0.1)")
    if tokens and m.channels == width and draw(st.booleans()):  # a head tied to the embedding, as in LMs
        head = m.add(f"nn.Linear({width}, {vocabulary}, bias=False)")
        m.init.append(f"{head}.weight = self.m1.weight")
        m.forward.append(f"x = {head}(x)")
    return _source(m, ["x"], "x")


def _source(m: Model, inputs: list[str], output: str) -> str:
    init = "\n".join(f"        {line}" for line in m.init) or "        pass"
    forward = "\n".join(f"        {line}" for line in m.forward)
    return (f"class {m.name}(nn.Module):\n    def __init__(self):\n        super().__init__()\n{init}\n\n"
            f"    def forward(self, {', '.join(inputs)}):\n{forward}\n        return {output}\n")


@st.composite
def model_file(draw, name: str = "Fuzz") -> str:
    body = draw(st.one_of(image_model(name), sequence_model(name)))
    return "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n" + body


def models(count: int):
    """Files of ``count`` models at most (one model a file, linted together)."""
    return st.lists(model_file(), min_size=1, max_size=count)
