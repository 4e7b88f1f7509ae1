"""Build once (issue 29, item 3): a model's first build is on meta with only the tensors made from
values (``arange``, ``linspace``, ``tensor``) on the CPU, so a constructor that reads its drop-path
rates is built once; one that reads a value of a tensor made from a size (a mask filled in
``torch.zeros``) is built again with every small tensor on the CPU; a module shared by two
parents is one module for the tiers' comparison (fx, not export then eager). tests/build_once9 is
linted by one CLI run with ``-v``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from conftest import netlint_json

CASES = Path(__file__).resolve().parent / "build_once9"


@pytest.fixture(scope="module")
def linted() -> tuple[dict, str]:
    report, proc = netlint_json(CASES, "-v", "--no-cache")
    return report, proc.stderr


def model(report: dict, name: str) -> dict:
    return next(m for m in report["models"] if m["target"].endswith(name))


def cpu_params(file: str, cls: str) -> int:
    """``sum(p.numel())`` of a normal CPU build."""
    spec = importlib.util.spec_from_file_location(f"build_once9_{Path(file).stem}", CASES / file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return sum(p.numel() for p in getattr(module, cls)().parameters())


def test_a_constructor_reading_its_drop_path_rates_is_built_once_with_its_weights_on_meta(linted):
    report, stderr = linted
    net = model(report, "stochastic_depth.py::StochasticDepthNet")
    assert net["built_on"] == "meta-with-cpu-values" and net["capture"] == "fx"
    assert net["notes"] == ["its constructor reads tensor values (Tensor.item()): built with the values on the CPU, "
                            "its parameters on meta"]  # (no failed meta build before it)
    assert "StochasticDepthNet: its constructor reads tensor values (Tensor.item())" in stderr
    assert net["params"] == cpu_params("stochastic_depth.py", "StochasticDepthNet")
    assert net["buffers"] == 6 * 16 * 16  # each block's relative position index, made from arange


def test_a_value_read_from_a_tensor_made_from_a_size_builds_again_with_small_tensors_on_the_cpu(linted):
    report, stderr = linted
    net = model(report, "window_mask.py::ShiftedWindows")
    assert net["built_on"] == "meta-with-cpu-values"
    note, = net["notes"]
    assert note.startswith("it does not build on meta (RuntimeError: Tensor.item() cannot be called on meta")
    assert "ShiftedWindows: it does not build on meta" in stderr
    assert net["params"] == cpu_params("window_mask.py", "ShiftedWindows")  # its 9 regions read on the CPU


def test_a_constructor_that_reads_no_value_is_built_on_meta(linted):
    report, _ = linted
    net = model(report, "plain.py::PlainNet")
    assert net["built_on"] == "meta" and net["notes"] == []
    assert net["params"] == cpu_params("plain.py", "PlainNet")


def test_a_module_shared_by_two_parents_keeps_the_fx_tier(linted):
    report, _ = linted
    net = model(report, "shared_encoding.py::SharedEncodingNet")
    assert net["capture"] == "fx" and net["notes"] == []  # (not "the fx graph differs", export, then eager)
    assert net["params"] == cpu_params("shared_encoding.py", "SharedEncodingNet")
