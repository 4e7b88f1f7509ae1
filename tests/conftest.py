"""Helpers to run the real CLI in a subprocess, as users do."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
sys.path.insert(0, str(REPO))  # the tests drive the server with bench's LSP client

# No test lints through a daemon someone started for this repository (netlint daemon start).
os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="netlint-tests-")


def run_netlint(*args: str, cwd: Path = REPO, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "netlint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600, env=env)


def netlint_json(*args: str, cwd: Path = REPO) -> tuple[dict, subprocess.CompletedProcess]:
    proc = run_netlint(*args, "--output-format", "json", cwd=cwd)
    assert proc.stdout, proc.stderr
    return json.loads(proc.stdout), proc


@functools.lru_cache(maxsize=None)
def fixture_models(fixture: str) -> dict[str, dict]:
    """The models of a fixture file linted without errors, by class name."""
    report, proc = netlint_json(f"fixtures/{fixture}")
    assert report["errors"] == [], proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    return {m["target"].split("::")[1]: m for m in report["models"]}


def run_bench(script: str) -> str:
    """A benchmark of bench/ in its quick mode; its output."""
    proc = subprocess.run([sys.executable, f"bench/{script}", "--quick"], cwd=REPO,
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture
def write_model(tmp_path):
    """Write a model file into a temporary folder and return its path."""

    def write(source: str, name: str = "model.py") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
        return path

    return write
