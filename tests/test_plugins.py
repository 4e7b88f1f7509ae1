"""Rules from other packages (entry-point group ``netlint.rules``) and from a project's own
rules folder; a broken one is an error naming its distribution or file. The rule
documentation commands, which list them all."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib.metadata import PackageNotFoundError, distribution

import pytest

from conftest import netlint_json, run_netlint

WIDE = """
from torch import nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.AdaptiveAvgPool2d(32), nn.Flatten())
        self.fc = nn.Linear(8 * 32 * 32, 512)

    def forward(self, x):
        return self.fc(self.features(x))
"""


@pytest.fixture(scope="module", autouse=True)
def example_plugin_installed():
    try:
        distribution("netlint-plugin-example")
    except PackageNotFoundError:
        pytest.fail("the example plug-in is not installed: `make test` installs it "
                    "(or: pip install ./tests/plugin_example)")


def test_an_installed_plugin_rule_runs_when_selected(write_model, tmp_path):
    write_model(WIDE)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert report["models"] and not [f for f in report["findings"] if f["code"] == "EXA101"]  # off by default
    report, proc = netlint_json("model.py", "--select", "NL201", "--extend-select", "EXA", cwd=tmp_path)
    finding, = report["findings"]
    assert (finding["code"], finding["name"], finding["layer"], finding["line"]) == ("EXA101", "wide-linear", "fc", 9)
    assert finding["message"] == f"Linear fc has {8 * 32 * 32 * 512 + 512:,} parameters"
    assert finding["severity"] == "note" and proc.returncode == 1


def test_rules_and_rule_commands_show_plugins_too():
    proc = run_netlint("rules")
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line.split(None, 3)[1:] for line in proc.stdout.splitlines()[2:]}
    assert rows["NL201"] == ["batchnorm-in-image-to-image", "warning", "BatchNorm in an image-to-image model."]
    assert rows["EXA101"] == ["wide-linear", "note", "A Linear layer with more than a million weights."]
    proc = run_netlint("rule", "nl201")
    assert proc.returncode == 0
    assert proc.stdout.startswith("# NL201 batchnorm-in-image-to-image\n\nDefault severity: warning\n")
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References"):
        assert f"\n{section}\n" in proc.stdout
    assert "## What it does" in run_netlint("rule", "EXA101").stdout
    proc = run_netlint("rule", "NL999")
    assert proc.returncode == 2 and "no rule 'NL999'" in proc.stderr


BROKEN = {  # distribution name: (entry point, rule.py, error)
    "netlint-broken-import": ("netlint_broken_import.rule:Rule", "import no_such_module_xyz\n",
                     "plug-in netlint-broken-import: cannot load rule XYZ001 "
                     "(ModuleNotFoundError: No module named 'no_such_module_xyz')"),
    "netlint-broken-taken": ("netlint_broken_taken.rule:Taken", "from netlint.rule import Rule\n\n\n"
                   "class Taken(Rule):\n    code = 'NL201'\n    name = 'taken'\n",
                   "plug-in netlint-broken-taken: rule code NL201 is already taken by torch-netlint"),
    "netlint-broken-code": ("netlint_broken_code.rule:BadCode", "from netlint.rule import Rule\n\n\n"
                 "class BadCode(Rule):\n    code = 'nl2001'\n    name = 'bad-code'\n",
                 "plug-in netlint-broken-code: rule code 'nl2001' of BadCode does not match ^[A-Z]{1,3}[0-9]{3}$"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_plugin_is_an_error_naming_its_distribution(tmp_path, write_model, name):
    """The broken plug-in is pip-installed into its own folder, put on PYTHONPATH for one run."""
    entry, source, message = BROKEN[name]
    package = entry.split(".")[0]
    project = tmp_path / "project"
    (project / package).mkdir(parents=True)
    (project / package / "__init__.py").write_text("")
    (project / package / "rule.py").write_text(source)
    (project / "pyproject.toml").write_text(textwrap.dedent(f"""
        [build-system]
        requires = ["setuptools>=68"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{name}"
        version = "0.1.0"

        [project.entry-points."netlint.rules"]
        XYZ001 = "{entry}"

        [tool.setuptools]
        packages = ["{package}"]
    """))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(site), str(project)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    write_model(WIDE)
    for args in (["rules"], ["model.py"]):
        proc = run_netlint(*args, cwd=tmp_path, env=env)
        assert proc.returncode == 2, proc.stderr
        assert message in proc.stderr and "Traceback" not in proc.stderr


PROJECT_RULE = '''
from netlint.rule import Rule


class NoFlatten(Rule):
    """A Flatten layer.

    ## What it does
    Finds nn.Flatten, which this project replaces by a view.
    """

    code = "PRJ001"
    name = "no-flatten"
    severity = "error"
    needs = frozenset({"modules"})

    def check(self, graph):
        for layer in graph.layers:
            if layer.type == "Flatten":
                yield self.finding(graph, layer, f"{layer.name} is a Flatten", "use x.flatten(1)")
'''


def test_a_project_rules_folder(write_model, tmp_path):
    write_model(WIDE)
    write_model(PROJECT_RULE, "lint_rules/no_flatten.py")
    (tmp_path / "pyproject.toml").write_text('[tool.netlint]\nrules-dirs = ["lint_rules"]\nselect = ["PRJ"]\n')
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert [(f["code"], f["layer"], f["severity"]) for f in report["findings"]] == [
        ("PRJ001", "features.2", "error")]
    assert proc.returncode == 1
    assert "PRJ001  no-flatten" in run_netlint("rules", cwd=tmp_path).stdout

    write_model(PROJECT_RULE.replace("PRJ001", "NL101"), "lint_rules/taken.py")
    proc = run_netlint("model.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert f"rules-dirs {tmp_path / 'lint_rules' / 'taken.py'}: rule code NL101 is already taken" in proc.stderr
