"""SARIF (validated against the official schema), GitHub workflow commands, --statistics,
--fail-level and --exit-zero, through the real CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, run_netlint

SELECT = ("--select", "NL101,NL201")  # the rules these models are written for
SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"

MODELS = """
import torch
from torch import nn


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.norm = nn.BatchNorm2d(4)
        self.mid = nn.Conv2d(4, 4, 3, padding=1)
        self.norm2 = nn.BatchNorm2d(4)  # noqa: NL201
        self.depthwise = nn.Conv2d(4, 4, 1, groups=4)
        self.pointwise = nn.Conv2d(4, 3, 1)

    def forward(self, x):
        x = self.norm2(self.mid(self.norm(self.conv(x))))
        return torch.tanh(self.pointwise(self.depthwise(x)))


class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        raise ValueError("no, 100% broken")

    def forward(self, x):
        return x
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A git repository with the models one folder down, linted from that folder."""
    root = tmp_path_factory.mktemp("repo")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "src").mkdir()
    (root / "src" / "models.py").write_text(MODELS)
    return root


def test_sarif_validates_and_has_what_code_scanning_needs(repo):
    jsonschema = pytest.importorskip("jsonschema")
    if not SARIF_SCHEMA.exists():
        pytest.skip(f"{SARIF_SCHEMA} is not there")
    proc = run_netlint("models.py", "--output-format", "sarif", "-o", "netlint.sarif", "--show-suppressed",
                       *SELECT, cwd=repo / "src")
    assert proc.returncode == 2 and proc.stdout == ""  # Broken cannot be built
    sarif = json.loads((repo / "src" / "netlint.sarif").read_text())
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(sarif)

    assert sarif["version"] == "2.1.0"
    run, = sarif["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["NL101", "NL201"]
    for rule in rules:
        assert {"id", "name", "shortDescription", "fullDescription", "help", "defaultConfiguration"} <= set(rule)
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert "## Why is this bad?" in rule["help"]["markdown"]

    reported = [r for r in run["results"] if "suppressions" not in r]
    assert [r["ruleId"] for r in reported] == ["NL201", "NL101"]
    for result in reported:
        assert result["level"] == "warning" and result["message"]["text"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": "src/models.py", "uriBaseId": "%SRCROOT%"}
    assert [r["locations"][0]["physicalLocation"]["region"] for r in reported] == [
        {"startLine": 10, "startColumn": 21}, {"startLine": 13, "startColumn": 26}]
    suppressed, = [r for r in run["results"] if "suppressions" in r]
    assert suppressed["suppressions"] == [{"kind": "inSource", "justification": "noqa at models.py:12"}]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"

    invocation, = run["invocations"]
    assert invocation["executionSuccessful"] is False
    notification, = invocation["toolExecutionNotifications"]
    assert "ValueError: no, 100% broken" in notification["message"]["text"]


def test_github_annotations(repo):
    proc = run_netlint("models.py", "--output-format", "github", *SELECT, cwd=repo / "src")
    assert proc.returncode == 2
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("::warning file=models.py,line=10,col=21,"
                               "title=NL201 batchnorm-in-image-to-image::BatchNorm2d norm in an image-to-image model")
    assert "%0Afix: use InstanceNorm2d(C, affine=True)" in lines[0]
    assert lines[1].startswith("::warning file=models.py,line=13,col=26,title=NL101 separable-conv-1x1::")
    assert lines[2].startswith("::error file=models.py,line=24,title=netlint could not analyze models.py%3A%3ABroken::")
    assert lines[2].endswith("no, 100%25 broken")
    assert lines[3:] == ["Found 2 findings and 1 error."]


def test_statistics_and_exit_codes(repo):
    proc = run_netlint("models.py::Generator", "--statistics", *SELECT, cwd=repo / "src")
    assert proc.stdout.splitlines() == ["1  NL101   separable-conv-1x1", "1  NL201   batchnorm-in-image-to-image"]
    assert proc.returncode == 1
    proc = run_netlint("models.py::Generator", "--statistics", "--disable-noqa", *SELECT, cwd=repo / "src")
    assert proc.stdout.splitlines()[0] == "2  NL201   batchnorm-in-image-to-image"

    # warnings are reported but do not fail at --fail-level error; --exit-zero never fails on findings
    proc = run_netlint("models.py::Generator", "--fail-level", "error", "--output-format", "concise",
                       *SELECT, cwd=repo / "src")
    assert proc.returncode == 0 and "NL201" in proc.stdout
    proc = run_netlint("models.py::Generator", "--exit-zero", *SELECT, cwd=repo / "src")
    assert proc.returncode == 0 and "Found 2 findings in 1 model." in proc.stdout
    # errors still exit 2
    proc = run_netlint("models.py", "--exit-zero", "--output-format", "concise", cwd=repo / "src")
    assert proc.returncode == 2 and "no, 100% broken" in proc.stderr


def test_a_github_annotation_escapes_its_properties(tmp_path):
    odd = tmp_path / "a,b:c.py"
    odd.write_text(MODELS.split("class Broken")[0])
    proc = run_netlint(odd.name, "--output-format", "github", "--select", "NL201", cwd=tmp_path)
    assert proc.stdout.startswith("::warning file=a%2Cb%3Ac.py,line=10,col=21,title=NL201 ")
    assert proc.returncode == 1


def test_sarif_of_a_run_without_models(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    if not SARIF_SCHEMA.exists():
        pytest.skip(f"{SARIF_SCHEMA} is not there")
    (tmp_path / "plain.py").write_text("x = 1\n")
    proc = run_netlint("plain.py", "--output-format", "sarif", cwd=tmp_path)
    assert proc.returncode == 0
    sarif = json.loads(proc.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(sarif)
    assert sarif["runs"][0]["results"] == [] and Path(tmp_path / "plain.py").exists()
