"""The command line as users run it: formats, exit codes, the report file, entry points (its
options and targets: test_cli_options.py)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import netlint_json, run_netlint

BN_GENERATOR = """
import torch
from torch import nn


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.Conv2d(16, 3, 3, padding=1),
        )

    def forward(self, x):
        return torch.tanh(self.body(x))
"""

CLEAN = """
from torch import nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                                      nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        return self.fc(self.features(x))
"""


def test_clean_model_exits_0_and_reports_its_summary(write_model, tmp_path):
    write_model(CLEAN)
    proc = run_netlint("model.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "model.py::Classifier" in proc.stdout
    assert "task classification (output 1×10" in proc.stdout
    assert "input 1×3×256×256 (inferred from features.0 Conv2d" in proc.stdout
    assert f"{3 * 8 * 9 + 2 * 8 + (8 * 10 + 10):,} parameters" in proc.stdout
    assert "Found 0 findings in 1 model." in proc.stdout


def test_concise_is_quiet_for_a_clean_model(write_model, tmp_path):
    write_model(CLEAN)
    proc = run_netlint("model.py", "--output-format", "concise", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_full_report_of_a_finding(write_model, tmp_path):
    write_model(BN_GENERATOR)
    proc = run_netlint("model.py", cwd=tmp_path)
    assert proc.returncode == 1
    out = proc.stdout
    assert "model.py:11:13" in out and "NL201 batchnorm-in-image-to-image" in out
    assert "body.1" in out and "32 → 32 (+0)" in out
    assert "fix: use InstanceNorm2d(C, affine=True)" in out
    assert "task image-to-image (output 1×3×256×256 keeps the input size with 3 channels)" in out
    assert "Found 1 finding in 1 model." in out


@pytest.fixture(scope="module")
def generator_folder(tmp_path_factory) -> Path:
    """A folder with BN_GENERATOR as model.py, for the runs several tests read."""
    folder = tmp_path_factory.mktemp("generator")
    (folder / "model.py").write_text(BN_GENERATOR)
    return folder


@pytest.fixture(scope="module")
def concise_generator(generator_folder) -> subprocess.CompletedProcess:
    return run_netlint("model.py", "--output-format", "concise", cwd=generator_folder)


def test_concise_format(concise_generator):
    lines = concise_generator.stdout.splitlines()
    assert re.fullmatch(r"model\.py:11:13: NL201 BatchNorm2d body\.1 in an image-to-image model: .+", lines[0])
    assert lines[1:] == ["Found 1 finding.", "[*] 1 fixable with netlint --fix --unsafe-fixes."]


def test_json_schema(write_model, tmp_path):
    write_model(BN_GENERATOR)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert proc.returncode == 1  # the default selection: NL201 alone (test_cli_options.py selects others)
    assert set(report) == {"version", "models", "findings", "errors", "skipped", "suppressed", "fixed", "rules"}
    rule = next(r for r in report["rules"] if r["code"] == "NL201")
    assert rule["name"] == "batchnorm-in-image-to-image" and Path(rule["source"]).read_text().count("NL201")
    model, = report["models"]
    assert {"target", "class", "params", "trainable_params", "capture", "task", "task_reason",
            "input_shape", "output_shape"} <= set(model)
    assert model["target"] == "model.py::Generator" and model["class"] == "Generator"
    assert model["capture"] == "fx" and model["task"] == "image-to-image"
    assert model["input_shape"] == [[1, 3, 256, 256]] and model["output_shape"] == [[1, 3, 256, 256]]
    assert model["params"] == 3 * 16 * 9 + 2 * 16 + 16 * 3 * 9 + 3
    finding, = report["findings"]
    assert set(finding) == {"code", "name", "severity", "target", "layer", "layers", "path", "line", "column",
                            "message", "fix", "params_before", "params_after", "params_delta",
                            "fix_applicability", "edits", "fix_unavailable"}
    assert (finding["code"], finding["layer"], finding["path"], finding["line"], finding["column"]) == \
        ("NL201", "body.1", "model.py", 11, 13)
    assert finding["layers"] == ["body.1"]
    assert (finding["params_before"], finding["params_after"], finding["params_delta"]) == (32, 32, 0)


def test_output_file(write_model, tmp_path):
    write_model(BN_GENERATOR)
    proc = run_netlint("model.py", "--output-format", "json", "-o", "build/report.json", cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout == ""  # its folder made, as ruff does
    assert json.loads((tmp_path / "build" / "report.json").read_text())["findings"][0]["code"] == "NL201"
    proc = run_netlint("model.py", "-o", "model.py/report.txt", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "Error: cannot write the report to model.py/report.txt: model.py is not a folder\n"


def test_console_script_and_module_entry_point(generator_folder, concise_generator):
    script = Path(sys.executable).parent / "netlint"
    assert script.exists() or shutil.which("netlint")
    via_script = subprocess.run([str(script if script.exists() else "netlint"), "model.py",
                                 "--output-format", "concise"], cwd=generator_folder, capture_output=True, text=True)
    via_module = concise_generator
    assert via_script.returncode == via_module.returncode == 1
    assert via_script.stdout == via_module.stdout


def test_version_and_help():
    assert run_netlint("--version").stdout.startswith("netlint, version ")
    help_text = run_netlint("check", "--help").stdout
    for option in ("--input-shape", "--task", "--select", "--ignore", "--output-format"):
        assert option in help_text
