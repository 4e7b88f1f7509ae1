"""Cold start on real files (issue 29, item 2): a model made of every torch.nn activation,
normalization, pooling, upsampling, padding and dropout module lints without loading torch's
compiler (torch._dynamo, sympy, export's tracer) in the worker, and the shapes netlint reports
for each layer are the ones torch's kernels give on real tensors.

The modules are enumerated from torch.nn's own submodules; a class is left out only by a rule
(its forward takes more than one tensor, it is a lazy module, or its constructor needs an
argument the table below cannot fill), and the test checks that most of them are in."""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys

import pytest
import torch
from torch import nn
from torch.nn.modules.lazy import LazyModuleMixin

from conftest import netlint_json, run_netlint

FAMILIES = ("activation", "batchnorm", "instancenorm", "normalization", "pooling", "upsampling",
            "pixelshuffle", "padding", "dropout", "channelshuffle")
INPUT = (2, 8, 8, 8)  # batch, channels, height, width: 3-D and 5-D inputs are views of it
REQUIRED = {"num_features": 8, "normalized_shape": 8, "num_groups": 2, "num_channels": 8, "size": 2,
            "kernel_size": 2, "output_size": 2, "padding": 1, "upscale_factor": 2, "downscale_factor": 2,
            "norm_type": 2, "dim": 1, "groups": 2, "threshold": 0.1, "value": 0.5}
OPTIONAL = {"scale_factor": 2, "output_size": 2, "dim": 1}  # Upsample, FractionalMaxPool, Softmax
COMPILER = ("torch._dynamo", "sympy", "torch.export._trace")


def layer_classes() -> tuple[dict[str, str], list[str]]:
    """``{class name: constructor call}`` of every module of the families, and those left out."""
    calls, left_out = {}, []
    for family in FAMILIES:
        module = getattr(nn.modules, family, None)
        for name in getattr(module, "__all__", ()):
            cls = getattr(module, name)
            if not (inspect.isclass(cls) and issubclass(cls, nn.Module)) or name in calls:
                continue
            forward = [p for p in list(inspect.signature(cls.forward).parameters.values())[1:]
                       if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
            required = [p.name for p in parameters if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL,
                                                                                               p.VAR_KEYWORD)]
            if issubclass(cls, LazyModuleMixin) or len(forward) != 1 or not set(required) <= set(REQUIRED):
                left_out.append(name)
                continue
            given = [f"{n}={REQUIRED[n]!r}" for n in required]
            given += [f"{n}={v!r}" for n, v in OPTIONAL.items() if n in {p.name for p in parameters} - set(required)]
            calls[name] = f"nn.{name}({', '.join(given)})"
    return calls, left_out


def rank(name: str) -> int:
    found = re.search(r"([123])d$", name)
    return int(found[1]) + 2 if found else 4


MODEL = """\
import torch
from torch import nn


class EveryLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleDict({{
{entries}
        }})
        self.ranks = {ranks!r}

    def forward(self, x):
        shaped = {{3: x.flatten(2), 4: x, 5: x.reshape(2, 8, 4, 4, 4)}}
        outputs = [layer(shaped[self.ranks[name]]) for name, layer in self.layers.items()]
        return torch.cat([torch.tanh(y).flatten(1).mean(1, keepdim=True) for y in outputs], 1)
"""


def works_on_cpu(call: str, name: str) -> bool:
    """SyncBatchNorm and the like refuse the CPU: torch has no kernel to compare with."""
    x = torch.randn(INPUT)
    shaped = {3: x.flatten(2), 4: x, 5: x.reshape(2, 8, 4, 4, 4)}
    try:
        eval(call, {"nn": nn})(shaped[rank(name)])
    except Exception:
        return False
    return True


@pytest.fixture(scope="module")
def every_layer(tmp_path_factory):
    """The model file, netlint's -v check and its summary (one run each), and the layers."""
    calls, left_out = layer_classes()
    calls = {name: call for name, call in calls.items() if works_on_cpu(call, name)}
    folder = tmp_path_factory.mktemp("every_layer")
    path = folder / "every_layer.py"
    path.write_text(MODEL.format(entries="\n".join(f"            {name!r}: {call}," for name, call in calls.items()),
                                 ranks={name: rank(name) for name in calls}))
    shape = ",".join(map(str, INPUT))
    check = run_netlint(path, "-v", "--no-cache", "--no-daemon", "--input-shape", shape, cwd=folder)
    summary, _ = netlint_json("summary", path, "--input-shape", shape, cwd=folder)
    return path, calls, left_out, check, summary


def test_most_modules_of_each_family_are_in_the_model(every_layer):
    _, calls, left_out, _, _ = every_layer
    assert len(calls) >= 80, (sorted(calls), left_out)
    for must in ("PReLU", "GELU", "Softmax", "BatchNorm2d", "InstanceNorm3d", "GroupNorm", "LayerNorm",
                 "LocalResponseNorm", "MaxPool1d", "AvgPool3d", "AdaptiveMaxPool2d", "LPPool2d",
                 "FractionalMaxPool2d", "Upsample", "UpsamplingBilinear2d", "PixelShuffle", "PixelUnshuffle",
                 "ReflectionPad2d", "ReplicationPad3d", "CircularPad1d", "ZeroPad2d", "ConstantPad3d",
                 "Dropout2d", "AlphaDropout", "ChannelShuffle"):
        assert must in calls, (must, left_out)


def test_the_worker_loads_no_compiler_module(every_layer):
    path, _, _, check, _ = every_layer
    assert check.returncode in (0, 1), check.stderr
    times = re.findall(r"^time: .*::EveryLayer: import [\d.]+ s, build [\d.]+ s, capture [\d.]+ s, "
                       r"rules [\d.]+ s; loaded (.*)$", check.stderr, re.M)
    assert times == ["no compiler module"], check.stderr[-3000:]


def test_each_layer_has_the_shape_torch_computes(every_layer):
    path, calls, _, _, summary = every_layer
    model, = summary["models"]
    assert model["capture"] == "fx" and model["built_on"] == "meta", model
    reported = {row["name"]: tuple(row["output_shape"]) for row in model["rows"] if row["name"].startswith("layers.")}
    spec = importlib.util.spec_from_file_location("every_layer_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    real = module.EveryLayer().eval()
    shapes = {}

    def record(name):
        def hook(module, inputs, output):
            shapes[f"layers.{name}"] = tuple(output.shape)
        return hook

    for name, layer in real.layers.items():
        layer.register_forward_hook(record(name))
    with torch.no_grad():
        real(torch.randn(INPUT))
    assert len(shapes) == len(calls)
    assert reported == shapes


def test_compiler_modules_stay_out_of_a_plain_torch_import():
    """What the test above measures against: ``import torch`` alone loads none of them."""
    code = f"import sys, torch; print([m for m in {COMPILER!r} if m in sys.modules])"
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# Ops of each class the rules cover (pointwise, in place, reductions, shape-keeping Python
# kernels) and some that go to the kernel (views, pools, pads, norms), on meta tensors under
# MetaShapes against torch's CPU kernel: same shapes, dtypes and strides.
OPS = {
    "prelu": lambda x: torch.nn.functional.prelu(x, torch.ones(3, device=x.device)),
    "where": lambda x: torch.where(x > 0, x, x * 2),
    "add scalar": lambda x: x + 1,
    "div": lambda x: x / 2,
    "compare": lambda x: x > 0,
    "integer floor division": lambda x: x.long() // 2,
    "integer true division": lambda x: x.long() / 2,
    "half sigmoid": lambda x: torch.sigmoid(x.half()),
    "clamp": lambda x: x.clamp(0, 1),
    "lerp": lambda x: torch.lerp(x, x, 0.5),
    "chain": lambda x: x.sqrt().exp().log1p(),
    "add_": lambda x: x.add_(1),
    "mul_ broadcast": lambda x: x.mul_(x[0].clone()),
    "channels last": lambda x: x.to(memory_format=torch.channels_last) * 2,
    "sum": lambda x: x.sum(),
    "sum dims": lambda x: x.sum((1, 2)),
    "mean keepdim": lambda x: x.mean(-1, keepdim=True),
    "max dim": lambda x: x.max(1),
    "argmax keepdim": lambda x: x.argmax(keepdim=True),
    "var": lambda x: x.var(1, correction=0),
    "var_mean": lambda x: torch.var_mean(x),
    "logsumexp": lambda x: torch.logsumexp(x, 2),
    "norm": lambda x: x.norm(dim=1),
    "integer sum": lambda x: x.long().sum(),
    "mean dtype": lambda x: x.int().mean(dtype=torch.float),
    "all": lambda x: x.bool().all(1),
    "any of no dims": lambda x: x.bool().any(()),
    "count_nonzero": lambda x: x.count_nonzero((0, 1)),
    "aminmax": lambda x: torch.aminmax(x),
    "hardswish": lambda x: torch.nn.functional.hardswish(x),
    "logsigmoid": lambda x: torch.nn.functional.logsigmoid(x),
    "glu": lambda x: torch.nn.functional.glu(x, 2),
    "softplus": lambda x: torch.nn.functional.softplus(x),
    "softmax": lambda x: torch.softmax(x, 1),
    "pixel_shuffle": lambda x: torch.nn.functional.pixel_shuffle(x.reshape(2, 12, 5, 1), 2),
    "adaptive max pool": lambda x: torch.nn.functional.adaptive_max_pool2d(x, 2)[0],
    "bilinear": lambda x: torch.nn.functional.interpolate(x, scale_factor=2, mode="bilinear"),
    "reflect pad": lambda x: torch.nn.functional.pad(x, (1, 1, 1, 1), mode="reflect"),
    "layer_norm": lambda x: torch.nn.functional.layer_norm(x, (5,)),
    "group_norm": lambda x: torch.nn.functional.group_norm(x, 3),
    "batch_norm training": lambda x: torch.nn.functional.batch_norm(x, None, None, training=True),
    "view": lambda x: x.view(6, 20).t().reshape(-1),
}


@pytest.mark.parametrize("name", OPS)
def test_meta_shapes_give_torchs_shapes_and_dtypes(name):
    from netlint.meta_shapes import MetaShapes

    x = torch.randn(2, 3, 4, 5)
    real = OPS[name](x.clone())
    with torch.no_grad(), MetaShapes():
        got = OPS[name](x.to("meta"))
    real, got = (r if isinstance(r, tuple) else (r,) for r in (real, got))
    assert [(r.shape, r.dtype, r.stride()) for r in real] == [(g.shape, g.dtype, g.stride()) for g in got]
    assert all(g.is_meta for g in got)
