"""[tool.netlint] in pyproject.toml: every key, the nearest file, flags over the file,
and a clear error (exit 2) for a bad key or value."""

from __future__ import annotations

import textwrap

import pytest

from conftest import netlint_json, run_netlint

GENERATOR = """
import torch
from torch import nn


class Generator(nn.Module):
    def __init__(self, width=4):
        super().__init__()
        self.conv = nn.Conv2d(3, width, 3, padding=1)
        self.norm = nn.BatchNorm2d(width)
        self.out = nn.Conv2d(width, 3, 3, padding=1)

    def forward(self, x):
        return torch.tanh(self.out(self.norm(self.conv(x))))
"""

NEEDS_ARGUMENTS = GENERATOR.replace("def __init__(self, width=4)", "def __init__(self, width)") + """

def make_generator():
    return Generator(6)
"""

CONFIG = """
[tool.netlint]
select = ["NL201", "NL202"]
ignore = ["NL202"]
per-file-ignores = { "models/legacy/*.py" = ["NL201"] }
exclude = ["vendored"]
fail-level = "warning"
models = ["models/factory.py::make_generator", "mypkg.nets:build"]

[tool.netlint.severity]
NL201 = "error"

[tool.netlint.targets."models/classifier_named_generator.py::Generator"]
task = "classification"

[tool.netlint.targets."models/*.py::*"]
input-shape = "1,3,32,32"
"""


def write_project(tmp_path):
    files = {
        "pyproject.toml": CONFIG,
        "models/pyproject.toml": "[project]\nname = 'models'\nversion = '0'\n",  # nearer, no section
        "models/gen.py": GENERATOR,
        "models/classifier_named_generator.py": GENERATOR,
        "models/legacy/old_gen.py": GENERATOR,
        "models/factory.py": NEEDS_ARGUMENTS,
        "models/vendored/gen.py": GENERATOR,
        "mypkg/__init__.py": "",
        "mypkg/nets.py": GENERATOR + "\n\ndef build():\n    return Generator(5)\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path / "models"


def test_every_key_from_the_nearest_config_with_the_section(tmp_path):
    models = write_project(tmp_path)
    report, proc = netlint_json("--show-suppressed", cwd=models)  # no paths: "." and the config's models
    assert report["errors"] == [], proc.stderr
    by_target = {m["target"]: m for m in report["models"]}
    assert set(by_target) == {"gen.py::Generator", "classifier_named_generator.py::Generator",
                              "legacy/old_gen.py::Generator", "factory.py::make_generator",
                              "factory.py::Generator", "mypkg.nets:build"}  # vendored/ is excluded
    assert by_target["factory.py::Generator"]["call"] == "Generator(6)"  # as its factory calls it
    assert by_target["factory.py::make_generator"]["params"] == 2 * (3 * 6 * 9) + 6 + 3 + 2 * 6
    assert by_target["mypkg.nets:build"]["params"] == 2 * (3 * 5 * 9) + 5 + 3 + 2 * 5
    assert by_target["gen.py::Generator"]["input_shape"] == [[1, 3, 32, 32]]
    assert by_target["classifier_named_generator.py::Generator"]["task"] == "classification"
    assert by_target["mypkg.nets:build"]["input_shape"] == [[1, 3, 256, 256]]  # the pattern is for files

    reported = {f["target"]: f for f in report["findings"]}
    assert set(reported) == {"gen.py::Generator", "factory.py::make_generator", "factory.py::Generator",
                             "mypkg.nets:build"}
    assert {f["severity"] for f in reported.values()} == {"error"}
    suppressed, = report["suppressed"]
    assert (suppressed["target"], suppressed["reason"]) == ("legacy/old_gen.py::Generator", "per-file-ignores")
    assert proc.returncode == 1

    # paths name what to lint: the config's models in other files are left out; exclude
    # applies to files named on the command line too (pre-commit names them)
    report, proc = netlint_json("gen.py", "vendored/gen.py", cwd=models)
    assert [m["target"] for m in report["models"]] == ["gen.py::Generator"]


def test_flags_replace_the_config_values(tmp_path):
    models = write_project(tmp_path)
    report, proc = netlint_json("gen.py", "classifier_named_generator.py", "--task", "image-to-image",
                                "--select", "NL101", "--extend-select", "NL201", "--fail-level", "error",
                                "--input-shape", "1,3,16,16", cwd=models)
    assert [m["input_shape"] for m in report["models"]] == [[[1, 3, 16, 16]]] * 2
    assert {f["target"] for f in report["findings"]} == {"gen.py::Generator",
                                                         "classifier_named_generator.py::Generator"}
    assert proc.returncode == 1  # the config's severity makes NL201 an error: it fails at --fail-level error

    proc = run_netlint("legacy", "--per-file-ignores", "*/new_gen.py:NL2", "--output-format", "concise",
                       cwd=models)
    assert proc.stdout.startswith("legacy/old_gen.py:10:21: NL201 "), proc.stderr
    assert proc.returncode == 1
    proc = run_netlint("legacy", "--per-file-ignores", "legacy/*.py:ALL", "--fail-level", "note",
                       "--output-format", "concise", cwd=models)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr


@pytest.mark.parametrize("config, message", [
    ("selct = ['NL2']", "unknown key 'selct'"),
    ("per_file_ignores = {}", "unknown key 'per_file_ignores' (did you mean 'per-file-ignores'?)"),
    ("select = ['N L2']", "select: 'N L2' is not a rule code or prefix"),
    ("ignore = 'NL2'\nextend-select = [2]", "extend-select: expected a list of rule codes"),
    ("fail-level = 'fatal'", "fail-level: 'fatal' is not one of note, warning, error"),
    ("exclude = 'build'", "exclude: expected a list of glob patterns"),
    ("per-file-ignores = { 'a.py' = ['NL2x'] }", "per-file-ignores: 'NL2X' is not a rule code"),
    ("models = ['models/gen.py']", "models: 'models/gen.py' is not a target"),
    ("rules-dirs = ['no_such_folder']", "rules-dirs:"),
    ("[tool.netlint.severity]\nNL201 = 'fatal'", "severity: NL201: 'fatal' is not one of"),
    ("[tool.netlint.severity]\nNL2 = 'error'", "severity: 'NL2' is not a rule code"),
    ("[tool.netlint.targets.'gen.py::Generator']\ninput-shape = '1,3,a'", "targets: 'gen.py::Generator': '1,3,a' is not a shape"),
    ("[tool.netlint.targets.'gen.py::Generator']\ntask = 'detection'", "'detection' is not one of auto"),
    ("[tool.netlint.targets.'gen.py::Generator']\nshape = [1, 3]", "only input-shape, task and init"),
    ("select = [", "cannot read"),
])
def test_a_bad_key_or_value_is_a_clear_error(tmp_path, config, message):
    (tmp_path / "pyproject.toml").write_text(f"[tool.netlint]\n{config}\n")
    (tmp_path / "plain.py").write_text("x = 1\n")
    proc = run_netlint("plain.py", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert str(tmp_path / "pyproject.toml") in proc.stderr
    assert message in proc.stderr


def test_a_bad_flag_value_exits_2(tmp_path):
    (tmp_path / "plain.py").write_text("x = 1\n")
    for args in (["--per-file-ignores", "no-codes"], ["--fail-level", "fatal"], ["--extend-select", "1"],
                 ["-j", "0"]):
        proc = run_netlint("plain.py", *args, cwd=tmp_path)
        assert proc.returncode == 2, (args, proc.stderr)


def test_constructor_arguments_from_the_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""
        [tool.netlint]
        models = ["factory.py::Generator(5)"]

        [tool.netlint.targets."factory.py::Generator"]
        init = { width = 7 }
    """))
    (tmp_path / "factory.py").write_text(textwrap.dedent(NEEDS_ARGUMENTS))
    report, proc = netlint_json("-v", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    by_target = {m["target"]: m for m in report["models"]}
    assert set(by_target) == {"factory.py::Generator", "factory.py::Generator(5)"}
    assert (by_target["factory.py::Generator"]["call"], by_target["factory.py::Generator"]["arguments_from"]) == \
        ("Generator(width=7)", "the config")  # the config's init wins over the file's own call
    params = {target: m["params"] for target, m in by_target.items()}
    assert params == {"factory.py::Generator": 2 * (3 * 7 * 9) + 7 + 3 + 2 * 7,
                      "factory.py::Generator(5)": 2 * (3 * 5 * 9) + 5 + 3 + 2 * 5}
