"""Meta first, never a full CPU build (issue 29, item 1): a constructor that reads tensor values
(``.item()`` on a linspace, ``.tolist()``, numpy) builds with those values on the CPU and every
parameter on meta, and a forward that must run on the CPU gives weights only to the layers it
runs. tests/meta_first7 is linted by one CLI run whose address space is capped at 2.5 GB above
what importing torch maps (3.6 GB of libraries with this torch, before any model): less than the
4 GB that the 1B-parameter models' weights would take."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

CASES = Path(__file__).resolve().parent / "meta_first7"
CAP_GB = 2.5
CAPPED = f"""
import resource, runpy, sys
import torch  # (its libraries' address space is not the model's)
mapped = int(open('/proc/self/status').read().split('VmSize:')[1].split()[0]) * 1024
cap = mapped + int({CAP_GB} * 2 ** 30)
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
sys.argv = ['netlint', *sys.argv[1:]]
runpy.run_module('netlint', run_name='__main__')
"""


@pytest.fixture(scope="module")
def linted(tmp_path_factory) -> tuple[dict, str, int, float]:
    """The folder linted once under the cap: (report, stderr, exit code, peak RSS in GB)."""
    folder = tmp_path_factory.mktemp("capped")
    with open(folder / "out", "w") as out, open(folder / "err", "w") as err:
        proc = subprocess.Popen([sys.executable, "-c", CAPPED, str(CASES), "--output-format", "json", "-j", "2",
                                 "--timeout", "300"], cwd=REPO, stdout=out, stderr=err,
                                env={**os.environ, "NETLINT_NO_CACHE": "1"})
        _, status, usage = os.wait4(proc.pid, 0)  # (the peak of netlint and of its workers)
    stdout, stderr = (folder / "out").read_text(), (folder / "err").read_text()
    assert stdout, stderr
    return json.loads(stdout), stderr, os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024 ** 2


def model(report: dict, name: str) -> dict:
    return next(m for m in report["models"] if m["target"].endswith(name))


def test_a_1b_vit_reading_its_drop_path_rates_builds_with_its_weights_on_meta(linted):
    report, _, _, peak = linted
    vit = model(report, "drop_path_vit.py::DropPathViT")
    assert vit["built_on"] == "meta-with-cpu-values" and vit["params"] > 10 ** 9 and vit["capture"] == "fx"
    assert vit["output_shape"] == [[1, 1000]]
    assert any("Tensor.item()" in note and "its parameters on meta" in note for note in vit["notes"])
    assert peak < CAP_GB  # (every model of the folder: no weights were allocated)


def test_values_read_with_tolist_and_numpy_stay_on_the_cpu(linted):
    report, _, _, _ = linted
    stages = model(report, "windows_from_values.py::WindowStages")
    assert stages["built_on"] == "meta-with-cpu-values" and stages["output_shape"] == [[1, 100]]
    assert stages["buffers"] > 49  # the window index (made with numpy), and the BatchNorms' statistics


def test_initializations_on_meta_parameters_are_evidence(linted):
    report, _, _, _ = linted
    assert model(report, "init_on_meta.py::InitNet")["built_on"] == "meta-with-cpu-values"
    found = [(f["code"], f["line"]) for f in report["findings"] if f["path"].endswith("init_on_meta.py")]
    assert found == [("NL314", 21)]  # kaiming_normal_ in _init_weights, overridden by normal_ at line 17


def test_a_forward_on_the_cpu_gives_weights_only_to_the_layers_it_runs(linted):
    report, _, _, _ = linted
    tokens = model(report, "value_dependent_forward.py::KeepsTopTokens")
    assert tokens["params"] > 10 ** 9 and tokens["output_shape"] == [[1, 10]]  # its 1B auxiliary head never made
    assert any("its layers given weights as they ran" in note for note in tokens["notes"])


def test_a_model_that_builds_only_on_the_cpu_and_is_too_big_is_one_clear_error(linted):
    report, stderr, code, _ = linted
    error, = report["errors"]
    assert code == 2 and error["path"].endswith("reads_a_weight.py")
    assert error["message"].startswith("building ReadsItsTable on the CPU needs more memory than is available")
    assert "Traceback" not in stderr and "Killed" not in stderr


def test_a_dummy_forward_in_the_constructor_learns_its_shapes_on_meta(linted):
    report, _, _, _ = linted
    probed = model(report, "dummy_forward.py::ProbedHead")
    assert probed["built_on"] == "meta-with-cpu-values" and probed["output_shape"] == [[1, 10]]
    assert probed["params"] == 3 * 16 * 9 + 2 * 16 + 16 * 32 * 9 + 2 * 32 + 32 * 15 * 15 * 10 + 10


def test_tied_parameters_stay_tied_on_meta(linted):
    report, _, _, _ = linted
    tied = model(report, "tied_decoder.py::TiedDecoder")
    layer = 4 * 64 * 64 + 4 * 64 + 2 * 64 * 256 + 256 + 64 + 4 * 64  # attention, MLP, two norms
    assert tied["built_on"] == "meta-with-cpu-values" and tied["params"] == 1000 * 64 + 3 * layer
