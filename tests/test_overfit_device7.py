"""``netlint overfit --device`` (issue 29, item 6): the model and its batch trained together on
the device asked for; auto is the accelerator torch sees, else the CPU; on the CPU, seeded and
deterministic; a device torch does not see is one clear error line."""

from __future__ import annotations

import json

import pytest
import torch

from conftest import run_netlint

SMALL_CNN = "fixtures/overfit/small_cnn.py"


@pytest.fixture(scope="module")
def on_cpu() -> list[dict]:
    runs = [run_netlint("overfit", SMALL_CNN, "--device", "cpu", "--steps", "40", "--output-format", "json")
            for _ in range(2)]
    assert all(proc.stdout for proc in runs), runs[0].stderr
    return [json.loads(proc.stdout)["models"][0] for proc in runs]


def test_the_cpu_run_names_its_device_and_is_deterministic(on_cpu):
    first, second = on_cpu
    assert first["device"] == second["device"] == "cpu"
    assert first["losses"] == second["losses"] and len(first["losses"]) > 1


def test_the_text_report_names_the_device():
    proc = run_netlint("overfit", SMALL_CNN, "--steps", "5")
    expected = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    assert f" on {expected}\n" in proc.stdout, proc.stderr  # auto: the accelerator, else the CPU


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA device is present")
def test_cuda_without_a_cuda_device_is_one_error_line():
    proc = run_netlint("overfit", SMALL_CNN, "--device", "cuda")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        f"Error: --device cuda: torch {torch.__version__} sees no CUDA device here (use --device cpu, or auto)"]
