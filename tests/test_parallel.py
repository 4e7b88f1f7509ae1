"""-j N: models analyzed in worker processes, reported exactly as with -j 1."""

from __future__ import annotations

import json

import pytest

from conftest import run_netlint

GENERATOR = """
import torch
from torch import nn


class {name}(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, {width}, 3, padding=1)
        self.norm = nn.BatchNorm2d({width})
        self.out = nn.Conv2d({width}, 3, 3, padding=1)

    def forward(self, x):
        return torch.tanh(self.out(self.norm(self.conv(x))))
"""

CLASSIFIER = """
from torch import nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.depthwise = nn.Conv2d(8, 8, 1, groups=8)
        self.pointwise = nn.Conv2d(8, 16, 1)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))

    def forward(self, x):
        return self.head(self.pointwise(self.depthwise(self.conv(x))))
"""


def test_jobs_give_the_same_report(write_model, tmp_path):
    for i, width in enumerate((4, 6, 8)):
        write_model(GENERATOR.format(name=f"Generator{i}", width=width), f"gen_{i}.py")
    write_model(CLASSIFIER, "a/classifier.py")
    write_model("import torch\nfrom torch import nn\n\n\nclass Broken(nn.Module):\n"
                "    def __init__(self):\n        super().__init__()\n        raise RuntimeError('broken')\n\n"
                "    def forward(self, x):\n        return x\n", "broken.py")
    for output_format in ("json", "full"):
        serial = run_netlint(".", "--output-format", output_format, cwd=tmp_path)
        parallel = run_netlint(".", "--output-format", output_format, "-j", "3", cwd=tmp_path)
        assert serial.returncode == parallel.returncode == 2
        assert "Generator2" in serial.stdout and "NL101" in serial.stdout
        assert parallel.stdout == serial.stdout
        assert parallel.stderr == serial.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_worker_that_dies_fails_only_its_own_model(write_model, tmp_path, jobs):
    for i, width in enumerate((4, 6, 8)):
        write_model(GENERATOR.format(name=f"Generator{i}", width=width), f"gen_{i}.py")
    write_model("import os\nfrom torch import nn\n\n\nclass Crash(nn.Module):\n"
                "    def __init__(self):\n        super().__init__()\n        os._exit(3)\n\n"
                "    def forward(self, x):\n        return x\n", "gen_1b.py")
    result = run_netlint(".", "-j", jobs, "--output-format", "json", cwd=tmp_path)
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert sorted(m["target"] for m in report["models"]) == [f"gen_{i}.py::Generator{i}" for i in range(3)]
    assert [e["target"] for e in report["errors"]] == ["gen_1b.py::Crash"]
    assert report["errors"][0]["message"] == "the process ended with exit code 3 while analyzing it"
