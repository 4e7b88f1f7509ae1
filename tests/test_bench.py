"""The benchmarks keep working: each runs once in its quick mode (their numbers are checked
by reading them, not by the test suite)."""

from __future__ import annotations

import pytest

from conftest import run_bench


def test_perf_quick():
    for name in ("torchinfo", "fvcore", "torch_audit"):
        pytest.importorskip(name)
    out = run_bench("perf.py")
    for case in ("1. resnet18: lint vs build", "2. vit_b_16: lint vs model summaries",
                 "4. pre-commit: 50 files without a model", "5. 10 model files: -j 2 vs -j 1",
                 "6. 10 model files: isolated in a forked worker (-j 1) vs in netlint's process",
                 "7. a realistic model file (SRGAN-style", "8. a model file with `netlint daemon` running",
                 "9. re-lint after save through `netlint server`", "10. Where the time goes",
                 "11. the HTML report of vit_b_16", "12. 10 model files, -j 2, with the cache"):
        assert f"### {case}" in out
    rows = [line for line in out.splitlines() if line.startswith("| netlint |")]
    assert len(rows) == 11 and all("| ok |" in row or "| findings |" in row for row in rows), out  # (12: three)
    assert "Above the import floor: netlint" in out and "| didSave → publishDiagnostics" in out
    assert "The page: " in out
    assert "failed" not in out

