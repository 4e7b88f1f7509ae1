"""The zoo benchmark keeps working in its quick mode (a file of its own, so that it runs on
another worker than bench/perf.py's quick run)."""

from __future__ import annotations

from conftest import run_bench


def test_zoo_quick():
    out = run_bench("zoo.py")
    assert "| torchvision/classification | 2 | 2 |" in out
    assert "error" not in out.split("s/model")[1].split("At a dataflow")[0]
    assert "params differ" not in out and "- error" not in out
