"""The benchmarks keep working: each runs once in its quick mode (their numbers are checked
by reading them, not by the test suite)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO


def run(script: str) -> str:
    proc = subprocess.run([sys.executable, f"bench/{script}", "--quick"], cwd=REPO,
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_perf_quick():
    for name in ("torchinfo", "fvcore", "torch_audit"):
        pytest.importorskip(name)
    out = run("perf.py")
    for case in ("1. resnet18: lint vs build", "2. vit_b_16: lint vs model summaries",
                 "4. pre-commit: 50 files without a model", "5. 10 model files: -j 2 vs -j 1",
                 "6. 10 model files: isolated in a forked worker (-j 1) vs in netlint's process",
                 "7. Where the time goes"):
        assert f"### {case}" in out
    rows = [line for line in out.splitlines() if line.startswith("| netlint |")]
    assert len(rows) == 5 and all("| ok |" in row or "| findings |" in row for row in rows), out
    assert "failed" not in out


def test_zoo_quick():
    out = run("zoo.py")
    assert "| torchvision/classification | 2 | 2 |" in out
    assert "error" not in out.split("s/model")[1].split("At a dataflow")[0]
    assert "params differ" not in out and "- error" not in out
