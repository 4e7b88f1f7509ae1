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


# One module naming several models (a zoo): with -j 2 its targets are cut into two chunks,
# each analyzed by its own worker; a model that ends its worker or runs out of time fails alone.
ZOO = '''
import os
import signal
import time

from torch import nn


def block(width):
    return nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU())


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = block(4)

    def forward(self, x):
        return self.body(x)


class Exits(Small):
    def __init__(self):
        super().__init__()
        os._exit(3)


class Medium(Small):
    def __init__(self):
        super().__init__()
        self.body = block(6)


class Crashes(Small):
    def __init__(self):
        super().__init__()
        os.kill(os.getpid(), signal.SIGSEGV)


class Slow(Small):
    def __init__(self):
        super().__init__()
        time.sleep(60)


class Large(Small):
    def __init__(self):
        super().__init__()
        self.body = block(8)
'''

ZOO_MODELS = ("Small", "Exits", "Medium", "Crashes", "Slow", "Large")


@pytest.fixture(scope="module")
def zoo_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zoo")
    (folder / "zoo.py").write_text(ZOO)
    targets = [f"zoo.py::{name}" for name in ZOO_MODELS]
    return {jobs: run_netlint(*targets, "-j", jobs, "--timeout", "3", "--no-cache", "--output-format", "json",
                              cwd=folder) for jobs in ("1", "2")}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_model_of_a_zoo_that_ends_its_worker_or_hangs_fails_alone(zoo_runs, jobs):
    result = zoo_runs[jobs]
    assert result.returncode == 2, result.stderr
    report = json.loads(result.stdout)
    assert [m["target"] for m in report["models"]] == ["zoo.py::Small", "zoo.py::Medium", "zoo.py::Large"]
    assert [(e["target"], e["message"]) for e in report["errors"]] == [
        ("zoo.py::Exits", "the process ended with exit code 3 while analyzing it"),
        ("zoo.py::Crashes", "the process was killed by SIGSEGV while analyzing it"),
        ("zoo.py::Slow", "took longer than 3 s (--timeout)")]


def test_a_zoo_cut_into_chunks_reports_as_one_worker_does(zoo_runs):
    assert zoo_runs["2"].stdout == zoo_runs["1"].stdout
