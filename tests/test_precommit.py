"""netlint under real pre-commit: the hook manifest validates, and the README's local hook
rejects a commit that adds a BatchNorm generator and passes one that touches no model,
without importing torch."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GENERATOR, REPO

pytest.importorskip("pre_commit")
BIN = Path(sys.executable).parent


def pre_commit(*args: str, cwd: Path = REPO, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_hook_manifest_validates():
    proc = pre_commit("validate-manifest", ".pre-commit-hooks.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    import yaml
    lint, fix = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert (lint["id"], lint["language"], lint["types_or"], lint["require_serial"]) == \
        ("netlint", "python", ["python", "jupyter"], True)  # notebooks too
    assert fix["id"] == "netlint-fix" and fix["types_or"] == ["python", "jupyter"]
    assert {"--fix", "--exit-non-zero-on-fix"} <= set(fix["entry"].split())


def readme_hook(kind: str) -> str:
    """The README's .pre-commit-config.yaml example that contains ``kind``."""
    blocks = re.findall(r"```yaml\n(.*?)```", (REPO / "README.md").read_text(), re.DOTALL)
    return next(block for block in blocks if "repos:" in block and kind in block)


def test_the_readme_shows_both_hooks():
    assert "id: netlint" in readme_hook("rev:")
    import yaml
    remote, = yaml.safe_load(readme_hook("rev:"))["repos"]
    assert remote["hooks"] == [{"id": "netlint"}]
    local, = yaml.safe_load(readme_hook("repo: local"))["repos"]
    hook, = local["hooks"]
    assert hook["language"] == "system" and hook["id"] == "netlint"


def test_the_local_hook_in_a_git_repository(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    # torch that cannot be imported: the hook must not need it for files without models
    poison = tmp_path / "poison" / "torch"
    poison.mkdir(parents=True)
    (poison / "__init__.py").write_text("raise ImportError('netlint imported torch')\n")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    env.pop("PYTHONPATH", None)

    def git(*args, extra_env=None):
        return subprocess.run(["git", *args], cwd=work, env={**env, **(extra_env or {})},
                              capture_output=True, text=True, timeout=600)

    git("init", "-q")
    (work / ".pre-commit-config.yaml").write_text(readme_hook("repo: local"))
    assert pre_commit("install", cwd=work, env=env).returncode == 0

    (work / "utils.py").write_text("import json\n\n\nclass Config:\n    pass\n")
    git("add", ".")
    proc = git("commit", "-m", "no models", extra_env={"PYTHONPATH": str(poison.parent)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "netlint" in proc.stdout + proc.stderr  # the hook ran (and passed)

    (work / "gen.py").write_text(GENERATOR)
    git("add", "gen.py")
    proc = git("commit", "-m", "a generator")
    assert proc.returncode != 0
    assert "gen.py:10:21: NL201 " in proc.stdout + proc.stderr
    assert "a generator" not in git("log", "--format=%s").stdout


CLASSIFIER = """
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 16, 3), nn.BatchNorm2d(16), nn.ReLU())
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        return self.head(self.body(x).mean((2, 3)))
"""
FIX_HOOK = """repos:
  - repo: local
    hooks:
      - id: netlint-fix
        name: netlint (fix)
        entry: netlint check --fix --exit-non-zero-on-fix --output-format=concise
        language: system
        types: [python]
        require_serial: true
"""


def test_the_fix_hook_fails_the_commit_it_fixed_then_passes(tmp_path):
    """As ruff's hook: the commit that netlint fixed fails, with the file changed; once the
    fix is staged, the commit passes."""
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}

    def git(*args):
        return subprocess.run(["git", *args], cwd=work, env=env, capture_output=True, text=True, timeout=600)

    git("init", "-q")
    (work / ".pre-commit-config.yaml").write_text(FIX_HOOK)
    assert pre_commit("install", cwd=work, env=env).returncode == 0
    (work / "net.py").write_text(CLASSIFIER)
    git("add", ".")
    proc = git("commit", "-m", "a classifier")
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "Found 1 finding (1 fixed, 0 remaining)." in proc.stdout + proc.stderr
    assert "nn.Conv2d(3, 16, 3, bias=False)" in (work / "net.py").read_text()
    git("add", "net.py")
    proc = git("commit", "-m", "a classifier")
    assert proc.returncode == 0, proc.stdout + proc.stderr
