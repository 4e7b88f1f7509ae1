"""docs/ci.md: the workflow's lint step writes SARIF, and a failing lint step does not stop
the upload."""

from __future__ import annotations

import json
import re
import shlex
import subprocess

import pytest

from conftest import GENERATOR, REPO, run_netlint

yaml = pytest.importorskip("yaml")


def workflow() -> dict:
    block = re.search(r"```yaml\n(name: netlint\n.*?)```", (REPO / "docs" / "ci.md").read_text(), re.DOTALL)
    return yaml.safe_load(block[1])


def test_the_upload_runs_after_a_failing_lint_step():
    document = workflow()
    assert document["permissions"]["security-events"] == "write"
    steps = document["jobs"]["netlint"]["steps"]
    lint = next(i for i, step in enumerate(steps) if step.get("name") == "netlint")
    upload = next(i for i, step in enumerate(steps) if "upload-sarif" in step.get("uses", ""))
    assert lint < upload
    assert steps[lint].get("continue-on-error") is True or "!cancelled()" in steps[upload]["if"] \
        or "always()" in steps[upload]["if"]
    assert steps[upload]["with"]["sarif_file"] == "netlint.sarif"


def test_the_lint_step_writes_sarif_even_when_it_fails(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "gen.py").write_text(GENERATOR)
    steps = workflow()["jobs"]["netlint"]["steps"]
    command = shlex.split(next(step["run"] for step in steps if step.get("name") == "netlint"))
    assert command[0] == "netlint"
    proc = run_netlint(*command[1:], cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    sarif = json.loads((tmp_path / "netlint.sarif").read_text())
    result, = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "NL201"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "gen.py"
