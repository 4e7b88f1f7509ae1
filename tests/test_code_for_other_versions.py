"""Code written for another version of an installed package, and a project's compiled
extension that is there but does not load, through the real CLI: the files' definitions
exist, each model that does not use what is missing is analyzed, and a model that uses it
is one error naming it.

- ``from torchvision.ops import _new_empty_tensor`` inside a version gate at the top level
  (DETR's ``util/misc.py``, copied into many projects: ``float("0.21"[:3]) < 0.7`` holds
  again): a stand-in for each name the installed torchvision or torch lacks; the block
  runs again with that import done;
- an extension (``ops/_C.so``) built for another Python or torch: "does not load"."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import netlint_json

MISC = """
import sys

import torch
import torch.nn.functional as F
import torchvision

# needed for the empty tensor bug of old versions
if sys.version_info[0] >= 3:  # (the gate of the copied code is true for today's versions too)
    print("old torchvision")
    from torchvision.ops import _new_empty_tensor
    from torchvision.ops.misc import _output_size
    from torch.nn.functional import _pad_circular, interpolate as _interpolate


def interpolate(x, size):
    if x.numel() == 0 or sys.version_info[0] >= 3:
        return _new_empty_tensor(x, _output_size(2, x, size, None))
    return _interpolate(x, size)


def pad(x):
    return F.pad(x, (1, 1, 1, 1))
"""

MODELS = """
from torch import nn

from util import misc
from ops.deform import DeformConv


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(misc.pad(x))


class Resizer(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        return misc.interpolate(self.conv(x), (128, 128))


class Aligner(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.deform = DeformConv(8)

    def forward(self, x):
        return self.deform(self.conv(x))
"""

DEFORM = """
import torch
from torch import nn

from . import _C


class DeformFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight):
        return _C.deform_conv_forward(x, weight)


class DeformConv(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(channels, channels, 3, 3))

    def forward(self, x):
        return DeformFunction.apply(x, self.weight)
"""


@pytest.fixture(scope="module")
def linted(tmp_path_factory) -> tuple[dict, Path]:
    root = tmp_path_factory.mktemp("versions")
    (root / "pyproject.toml").write_text("")
    (root / "util").mkdir()
    (root / "util" / "__init__.py").write_text("")
    (root / "util" / "misc.py").write_text(MISC)
    (root / "ops").mkdir()
    (root / "ops" / "__init__.py").write_text("")
    (root / "ops" / "deform.py").write_text(DEFORM)
    (root / "ops" / "_C.so").write_bytes(b"\x7fELF" + bytes(60))  # built for another machine: it does not load
    (root / "models.py").write_text(textwrap.dedent(MODELS))
    report, proc = netlint_json("models.py", cwd=root)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    return report, proc


def test_a_model_that_does_not_use_the_missing_names_is_analyzed(linted):
    report, proc = linted
    assert [m["target"] for m in report["models"]] == ["models.py::Encoder"], proc.stderr
    encoder = report["models"][0]
    assert encoder["params"] == 3 * 8 * 9 + 8
    stood_in = {s.partition(" ")[0] for s in encoder["stand_ins"]}
    assert {"torchvision.ops._new_empty_tensor", "torchvision.ops.misc._output_size",
            "torch.nn.functional._pad_circular"} <= stood_in
    assert any(s.startswith("torchvision.ops._new_empty_tensor (not in the installed torchvision ")
               for s in encoder["stand_ins"])


def test_a_model_that_uses_a_missing_name_is_one_error_naming_it(linted):
    report, proc = linted
    error, = [e for e in report["errors"] if e["target"] == "models.py::Resizer"]
    assert "model uses torchvision.ops.misc._output_size, which is not in the installed torchvision" in \
        error["message"], proc.stderr


def test_a_model_that_uses_an_extension_that_does_not_load_is_one_error_naming_it(linted):
    report, proc = linted
    error, = [e for e in report["errors"] if e["target"] == "models.py::Aligner"]
    assert "model uses ops._C, which is the project's compiled extension, which does not load" in \
        error["message"], proc.stderr
    assert error["message"].endswith("build the project's extensions")
