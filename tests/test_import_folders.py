"""The folders between a linted file and the project's root import as when the project's
scripts run from one of them (``cd code; python main.py``): ``from model import common`` in
``code/model/rcan.py`` finds the regular package ``code/model/``, not a ``model/`` folder of
weights nearer the root (a namespace folder), through the real CLI."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import netlint_json

NET = """
from torch import nn

{import_line}


class SRNet(nn.Module):
    def __init__(self, conv={conv}):
        super().__init__()
        self.head = conv(3, 8, 3)
        self.tail = conv(8, 3, 3)

    def forward(self, x):
        return self.tail(self.head(x))
"""

COMMON = """
from torch import nn


def default_conv(in_channels, out_channels, kernel_size):
    return nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2)
"""

CASES = {  # the import in code/model/net.py, its use, and where a folder of weights of the same name is
    "package beside a weights folder": ("from model import common", "common.default_conv", "TestCode/model"),
    "package, weights folder at the root": ("from model import common", "common.default_conv", "model"),
    "package imported whole": ("import model.common as common", "common.default_conv", "TestCode/model"),
    "the scripts' own module": ("import utility", "utility.default_conv", "TestCode/utility"),
}


@pytest.fixture(scope="module")
def linted(tmp_path_factory) -> tuple[Path, dict]:
    """One project per case (case0/ …), each a TestCode/code/ tree run from code/, linted from the top."""
    top = tmp_path_factory.mktemp("folders")
    (top / "pyproject.toml").write_text("")
    for i, (import_line, conv, weights) in enumerate(CASES.values()):
        case = top / f"case{i}"
        code = case / "TestCode" / "code"
        (code / "model").mkdir(parents=True)
        (case / weights).mkdir(parents=True, exist_ok=True)
        (case / weights / "x4.pt").write_bytes(b"")
        (code / "__init__.py").write_text("")
        (code / "model" / "__init__.py").write_text("import os\n")
        (code / "model" / "common.py").write_text(COMMON)
        (code / "utility.py").write_text(COMMON)
        (code / "model" / "net.py").write_text(textwrap.dedent(NET.format(import_line=import_line, conv=conv)))
    report, proc = netlint_json(*(f"case{i}/TestCode/code/model/net.py" for i in range(len(CASES))), cwd=top)
    return report, proc


@pytest.mark.parametrize("case", CASES)
def test_the_projects_package_beats_a_folder_of_weights_of_the_same_name(linted, case):
    report, proc = linted
    target = f"case{list(CASES).index(case)}/TestCode/code/model/net.py::SRNet"
    assert [e["message"] for e in report["errors"] if e["target"] == target] == [], proc.stderr
    model, = [m for m in report["models"] if m["target"] == target]
    assert model["params"] == (3 * 8 * 9 + 8) + (8 * 3 * 9 + 3)
