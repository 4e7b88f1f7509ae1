"""Models written for a GPU are analyzed like any other: ``.cuda()`` in a forward, a state made
with ``Variable(torch.zeros(...)).cuda()``, ``.cuda(x.get_device())``, the legacy
``torch.cuda.FloatTensor`` constructors, ``torch.cuda.device`` contexts, factory calls without
``device=``, in the constructor, the forward on meta, the CPU fallback and ``netlint overfit``.
Their findings are those of their device-free twins (fixtures/device/)."""

from __future__ import annotations

import json

import pytest

from conftest import part_of, run_netlint

DEVICE = "fixtures/device/"
WRITTEN_FOR_A_GPU = ["RecurrentDerain", "NoisyAutoencoder", "LegacyNoiseGenerator", "DeviceArgumentGenerator",
                     "MaskedInpainter", "FixedGridTwinless", "NormalizedDenoiser", "AdaptiveStageDerain"]
TWINS = [("RecurrentDerain", "RecurrentDerainTwin"), ("NoisyAutoencoder", "NoiseGeneratorTwin"),
         ("LegacyNoiseGenerator", "NoiseGeneratorTwin"), ("DeviceArgumentGenerator", "NoiseGeneratorTwin"),
         ("MaskedInpainter", "MaskedInpainterTwin")]


@pytest.fixture(scope="module")
def device_report(fixture_folders_report):
    report, proc = fixture_folders_report
    return part_of(report, DEVICE), proc


def _models(device_report) -> dict[str, dict]:
    return {m["class"]: m for m in device_report[0]["models"]}


def test_every_model_written_for_a_gpu_is_analyzed(device_report):
    part, proc = device_report
    assert part["errors"] == [] and part["skipped"] == [], proc.stderr
    assert set(WRITTEN_FOR_A_GPU) <= set(_models(device_report))


def test_the_report_never_speaks_of_the_gpu(device_report):
    part, _ = device_report
    said = json.dumps([part["models"], part["findings"], part["errors"], part["skipped"]]).lower()
    assert "nvidia" not in said and "cuda" not in said and "device index" not in said
    assert "not on the expected device" not in said


@pytest.mark.parametrize("gpu, twin", TWINS)
def test_findings_are_those_of_the_device_free_twin(device_report, gpu, twin):
    models = _models(device_report)
    findings = {}
    for name in (gpu, twin):
        target = models[name]["target"]
        findings[name] = sorted((f["code"], f["layer"]) for f in device_report[0]["findings"] if f["target"] == target)
    assert findings[gpu] == findings[twin] and findings[gpu]
    for key in ("task", "input_shape", "output_shape", "params"):
        assert models[gpu][key] == models[twin][key], key


def test_fx_traces_device_moves_and_states_made_in_the_forward(device_report):
    """``.cuda()`` is no layer of the graph; ``torch.zeros(n, 32, h, w)`` of the traced sizes and
    ``Variable(...)`` trace; a tensor made in the forward takes no share of the input's channels."""
    models = _models(device_report)
    for name in ("RecurrentDerain", "NoisyAutoencoder", "MaskedInpainter", "FixedGridTwinless", "NormalizedDenoiser"):
        assert models[name]["capture"] == "fx", (name, models[name]["notes"])
    assert models["RecurrentDerain"]["input_shape"] == [[1, 3, 256, 256]]
    assert models["MaskedInpainter"]["input_shape"] == [[1, 3, 256, 256]]


def test_a_gpu_forward_that_reads_values_runs_on_the_cpu(device_report):
    model = _models(device_report)["AdaptiveStageDerain"]
    assert model["built_on"] == "meta-with-cpu-values" and model["input_shape"] == [[1, 3, 64, 64]]
    codes = {f["code"] for f in device_report[0]["findings"] if f["target"] == model["target"]}
    assert "NL201" in codes


def test_a_constructor_that_asks_for_a_gpu_builds_on_meta(device_report):
    model = _models(device_report)["NormalizedDenoiser"]
    assert model["built_on"] == "meta" and model["buffers"] >= 6


def test_overfit_trains_a_model_written_for_a_gpu_on_the_cpu():
    proc = run_netlint("overfit", f"{DEVICE}recurrent_derain.py::RecurrentDerain",
                       f"{DEVICE}noise_generator.py::LegacyNoiseGenerator", "--steps", "2", "--output-format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    outcomes = json.loads(proc.stdout)["models"]
    assert [len(o["losses"]) for o in outcomes] == [3, 3]
    assert all(o["stopped"] == "step limit" and o["batch"].startswith("synthetic") for o in outcomes)
