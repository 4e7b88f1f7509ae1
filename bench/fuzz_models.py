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
import re
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
            m.forward.append("x = torch.relu(x)" if "ReLU()" in activation else "x = F.silu(x)")


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
    example = f"torch.randn(1, {channels}, {', '.join([str(side)] * dim)})"
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
    return _source(m, inputs, output, [example] * len(inputs) if draw(st.booleans()) or _hidden(m) else None)


_READS_CHANNELS = re.compile(r"= nn\.(Conv|ConvTranspose|BatchNorm|GroupNorm|InstanceNorm|Linear|Embedding)")


def _hidden(m: Model) -> bool:
    """Whether the input's shape cannot be read off the first layer, or the model takes one
    size only (a LayerNorm over the feature map): then the file has a ``__main__`` block
    that calls the model, as research code does."""
    fixed_size = any("nn.LayerNorm([" in line for line in m.init)
    return m.forward[0] != "x = self.m1(x)" or not _READS_CHANNELS.search(m.init[0]) or fixed_size


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
    example = "torch.zeros(1, 16, dtype=torch.long)" if tokens else f"torch.randn(1, {width})"
    return _source(m, ["x"], "x", [example] if draw(st.booleans()) or _hidden(m) else None)


def _source(m: Model, inputs: list[str], output: str, example: list[str] | None) -> str:
    init = "\n".join(f"        {line}" for line in m.init) or "        pass"
    forward = "\n".join(f"        {line}" for line in m.forward)
    main = f"\n\nif __name__ == \"__main__\":\n    print({m.name}()({', '.join(example)}))\n" if example else ""
    return (f"class {m.name}(nn.Module):\n    def __init__(self):\n        super().__init__()\n{init}\n\n"
            f"    def forward(self, {', '.join(inputs)}):\n{forward}\n        return {output}\n{main}")


@st.composite
def model_file(draw, name: str = "Fuzz") -> str:
    body = draw(st.one_of(image_model(name), sequence_model(name)))
    return "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n" + body


def models(count: int):
    """1 to ``count`` model files (one model each, linted together), as many of each size;
    a failing batch shrinks towards one simple model."""
    return st.integers(1, count).flatmap(lambda n: st.lists(model_file(), min_size=n, max_size=n))


PROPERTIES = (
    "netlint exits 0 or 1 with no error", "every generated model is analyzed",
    "params equals sum(p.numel()) of a CPU build", "fx-traceable models are captured by fx",
    "the eager CPU run agrees with the captured output shapes", "the report is the same with -j 1 and -j 2",
    "the report is the same across two runs", "every finding has a line inside the generated file",
    "the fixed model still builds", "after --fix, params = before + the fixed findings' params_delta",
    "a fixed finding is gone after --fix",
)


class Broken(AssertionError):
    """A property that does not hold, on the model ``source``."""

    def __init__(self, prop: str, source: str, detail: str) -> None:
        assert prop in PROPERTIES, prop
        super().__init__(f"{prop}: {detail}\n--- the model ---\n{source}")
        self.prop, self.source, self.detail = prop, source, detail


def check(sources: list[str], env: dict | None = None, cwd: Path | None = None) -> None:
    """Lint the sources (each as ``model_I.py``) through the real CLI and check every
    property on every model; raises Broken on the first that fails."""
    with tempfile.TemporaryDirectory(dir=cwd) as scratch:
        folder = Path(scratch) / "models"
        folder.mkdir()
        for i, source in enumerate(sources):
            (folder / f"model_{i}.py").write_text(source)
        source_of = {f"model_{i}.py::Fuzz": source for i, source in enumerate(sources)}
        anyone = sources[0] if len(sources) == 1 else "(the batch)"
        one, two, again = _lints(folder, env, ["-j", "1"], ["-j", "2"], ["-j", "2"])
        report = _report(one, source_of, anyone)
        if two.stdout != one.stdout:
            raise Broken("the report is the same with -j 1 and -j 2", anyone, _first_difference(one, two))
        if again.stdout != two.stdout:
            raise Broken("the report is the same across two runs", anyone, _first_difference(two, again))
        models = {m["target"]: m for m in report["models"]}
        for target, source in source_of.items():
            _check_model(folder, target, source, models, report)
        _check_fixes(folder, report, source_of, env)


def _lint(folder: Path, env: dict | None, *args: str) -> subprocess.CompletedProcess:
    return _lints(folder, env, list(args))[0]


def _lints(folder: Path, env: dict | None, *runs: list[str]) -> list[subprocess.CompletedProcess]:
    """``netlint . --output-format json ARGS`` for each ARGS, run at the same time."""
    commands = [[*NETLINT, ".", "--output-format", "json", *args] for args in runs]
    processes = [subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for command in commands]
    done = []
    for command, process in zip(commands, processes):
        out, err = process.communicate(timeout=900)
        done.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return done


def _report(proc: subprocess.CompletedProcess, source_of: dict[str, str], anyone: str) -> dict:
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise Broken("netlint exits 0 or 1 with no error", anyone, f"exit {proc.returncode}: {proc.stderr[-800:]}")
    for error in report["errors"]:
        raise Broken("netlint exits 0 or 1 with no error", source_of.get(error["target"], anyone),
                     f"{error['target']}: {error['message']}")
    if proc.returncode not in (0, 1):
        raise Broken("netlint exits 0 or 1 with no error", anyone, f"exit {proc.returncode}: {proc.stderr[-800:]}")
    for skipped in report["skipped"]:
        raise Broken("every generated model is analyzed", source_of.get(skipped["target"], anyone), skipped["reason"])
    return report


def _first_difference(a: subprocess.CompletedProcess, b: subprocess.CompletedProcess) -> str:
    for x, y in zip(a.stdout.splitlines(), b.stdout.splitlines()):
        if x != y:
            return f"{x.strip()} != {y.strip()}"
    return "one report is longer"


def _build(path: Path):
    """The file's model, built for real on the CPU (its own module, not netlint's)."""
    spec = importlib.util.spec_from_file_location(f"fuzz_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Fuzz().eval()


def _count(model) -> int:
    return sum(p.numel() for p in model.parameters())  # shared parameters once, as parameters() yields them


def _check_model(folder: Path, target: str, source: str, models: dict, report: dict) -> None:
    import torch

    model = models.get(target)
    if model is None:
        raise Broken("every generated model is analyzed", source, "it is not in the report")
    built = _build(folder / target.partition("::")[0])
    if model["params"] != _count(built):
        raise Broken("params equals sum(p.numel()) of a CPU build", source,
                     f"netlint says {model['params']:,}, the CPU build has {_count(built):,}")
    try:
        torch.fx.symbolic_trace(built)
        traceable = True
    except Exception:
        traceable = False
    if traceable and model["capture"] != "fx":
        raise Broken("fx-traceable models are captured by fx", source, f"captured by {model['capture']}")
    inputs = [torch.zeros(shape, dtype=torch.long) if "Embedding" in source else torch.randn(shape)
              for shape in model["input_shape"]]
    with torch.no_grad():
        output = built(*inputs)
    shapes = [list(t.shape) for t in _tensors(output)]
    if shapes != model["output_shape"]:
        raise Broken("the eager CPU run agrees with the captured output shapes", source,
                     f"netlint says {model['output_shape']}, the CPU run gives {shapes}")
    lines = len(source.splitlines())
    for finding in report["findings"]:
        if finding["target"] == target and not (finding["path"] == target.partition("::")[0]
                                                and 1 <= (finding["line"] or 0) <= lines):
            raise Broken("every finding has a line inside the generated file", source,
                         f"{finding['code']} at {finding['path']}:{finding['line']}")


def _tensors(output) -> list:
    if isinstance(output, dict):
        return [t for value in output.values() for t in _tensors(value)]
    if isinstance(output, (tuple, list)):
        return [t for value in output for t in _tensors(value)]
    return [output]


def _check_fixes(folder: Path, report: dict, source_of: dict[str, str], env: dict | None) -> None:
    """``--fix --unsafe-fixes``: each fixed model's CPU build moves by the fixed findings'
    ``params_delta``, those findings are gone, and nothing fails."""
    fixable = [f for f in report["findings"] if f["fix_applicability"]]
    if not fixable:
        return
    fixed_folder = folder.parent / "fixed"
    shutil.copytree(folder, fixed_folder)
    proc = subprocess.run([*NETLINT, ".", "--fix", "--unsafe-fixes", "--output-format", "json"], cwd=fixed_folder,
                          env=env, capture_output=True, text=True, timeout=900)
    fixed = _report(proc, source_of, "(the batch)")["fixed"]
    after = _report(_lint(fixed_folder, env), source_of, "(the batch)")
    before = {m["target"]: m["params"] for m in report["models"]}
    for target, source in source_of.items():
        mine = [f for f in fixed if f["target"] == target]
        if not mine:
            continue
        path = fixed_folder / target.partition("::")[0]
        try:
            count = _count(_build(path))
        except Exception as exc:
            raise Broken("the fixed model still builds", source, f"{type(exc).__name__}: {exc}\n{path.read_text()}")
        expected = before[target] + sum(f["params_delta"] or 0 for f in mine)
        if count != expected:
            raise Broken("after --fix, params = before + the fixed findings' params_delta", source,
                         f"{before[target]:,} + {[f['params_delta'] for f in mine]} != {count:,}\n{path.read_text()}")
        left = {(f["code"], f["layer"]) for f in after["findings"] if f["target"] == target}
        back = [f["code"] for f in mine if (f["code"], f["layer"]) in left]
        if back:
            raise Broken("a fixed finding is gone after --fix", source, f"{back} still reported\n{path.read_text()}")
