"""Root models that are built and then failed in the build or the forward (issue 26, item 2),
by family: a constructor that initializes with a library that is not installed (Glow's
scipy.linalg LU convolution) and a forward that initializes from its first batch (ActNorm);
a network built only by a training wrapper whose forward is its loss (a diffusion U-Net);
a forward that fails on meta and otherwise on the CPU (the report says both); a forward whose
shapes fail alike at every side (not run again on the CPU). tests/build_family9 holds one
folder per family, linted by one CLI run."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

from conftest import copy_of, linted_unchanged, model, skip_reason

PROJECT = Path(__file__).resolve().parent / "build_family9"


@pytest.fixture(scope="module")
def linted(tmp_path_factory) -> tuple[dict, subprocess.CompletedProcess]:
    return linted_unchanged(copy_of(tmp_path_factory, PROJECT), "-v", "-j", "2", "--timeout", "300")


def errors(document: dict) -> dict[str, str]:
    return {e["target"]: e["message"] for e in document["errors"]}


# ------------------------------------------------ invertible flows: values a meta tensor cannot give

@pytest.mark.skipif(importlib.util.find_spec("scipy") is not None, reason="scipy is installed here")
def test_a_flow_initialized_with_scipy_linalg_builds_without_scipy_and_runs_its_data_dependent_init(linted):
    document, _ = linted
    glow = model(document, "flows/glow.py::Glow")
    assert glow["capture"] in ("fx", "export", "eager")  # its forward ran (on the CPU: ActNorm reads its first batch)
    assert any("does not run on meta (RuntimeError: Tensor.item()" in note for note in glow["notes"])
    assert glow["params"] > 0 and glow["input_shape"] == [[1, 3, 32, 32]]
    assert any(name.startswith("scipy") for name in glow["stand_ins"])


# ------------------------------------------------ a training wrapper's networks are roots

def test_a_network_built_only_by_a_wrapper_whose_forward_is_its_loss_is_a_root(linted):
    document, _ = linted
    unet = model(document, "diffusion/unet.py::UNet")
    assert unet["capture"] == "fx"
    assert "diffusion/unet.py::UNet" not in {s["target"] for s in document["skipped"]}
    assert skip_reason(document, "diffusion/unet.py::ResBlock") == "a building block: UNet builds it"


def test_a_backbone_built_by_a_model_that_also_returns_its_loss_stays_a_block(linted):
    document, _ = linted
    model(document, "segmentation/segnet.py::SegNet")
    assert skip_reason(document, "segmentation/backbone.py::Backbone").startswith(
        "a building block: segmentation/segnet.py:")


def test_the_network_a_loss_module_holds_stays_a_block(linted):
    assert skip_reason(linted[0], "segmentation/backbone.py::Features") == "a building block: FeatureLoss builds it"


# ------------------------------------------------ forwards that fail: what the report says

def test_a_forward_that_fails_on_meta_and_otherwise_on_the_cpu_reports_both(linted):
    message = errors(linted[0])["broken/critic.py::Critic"]
    assert "Tensor.item() cannot be called on meta tensors" in message
    assert message.endswith("on the CPU it fails with AttributeError: 'Critic' object has no attribute 'avg_pool'")


def test_shapes_refused_alike_at_every_side_are_not_run_again_on_the_cpu(linted):
    document, proc = linted
    message = errors(document)["broken/position_weights.py::FixedProjection"]
    assert "the same at every image side tried, so not because of the input's size" in message
    assert "on the CPU" not in message
    assert "ran on the CPU" not in proc.stderr  # the model prints when its forward runs on the CPU
