"""NL201 and NL202 right on every root image-to-image model, quiet elsewhere (issue 26, item 6),
round 8: a disparity, depth or flow map is a dense prediction (named so by the module making it,
or predicted at several scales), a feature map output of a network whose inputs name style
transfer is an image model's (its VGG then seen by NL202), a block mapping 64 channels to 64 is
no image model, and blocks are not roots: built through ``from model import common`` in a
package beside the scripts, or unused and named as blocks. tests/image_to_image_family8 is one project,
linted by one CLI run."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_of, linted_unchanged

PROJECT = Path(__file__).resolve().parent / "image_to_image_family8"


@pytest.fixture(scope="module")
def linted(tmp_path_factory) -> dict:
    report, proc = linted_unchanged(copy_of(tmp_path_factory, PROJECT), "-j", "2", "--timeout", "300")
    assert proc.returncode == 1, proc.stderr
    assert report["errors"] == [], proc.stderr
    return report


def models(report: dict) -> dict[str, dict]:
    return {m["target"]: m for m in report["models"]}


def judged(report: dict, code: str) -> set[str]:
    return {f["target"] for f in report["findings"] if f["code"] == code}


def test_nl201_and_nl202_only_on_the_image_models(linted):
    assert judged(linted, "NL201") == {"dense/gray_depth.py::MultiScaleDeblurNet", "dense/gray_flow.py::GrayDenoiser"}
    assert judged(linted, "NL202") == {"style/adain_features.py::StyleNet"}


def test_disparity_depth_and_flow_maps_are_dense_predictions(linted):
    found = models(linted)
    depth = found["dense/gray_depth.py::GrayDepthNet"]
    assert depth["task"] == "segmentation" and depth["task_reason"] == (
        "outputs 1×1×256×256 and 3 more at 256×256, 128×128, 64×64, 32×32: a map of 1 channel predicted at 4 "
        "scales (a disparity, depth or flow supervised at each), not an image")
    flow = found["dense/gray_flow.py::TwoFrameMotionNet"]
    assert flow["task"] == "segmentation" and "made by flow_head, named as a disparity, depth or flow map" \
        in flow["task_reason"]
    # the twins: an image pyramid of 3 channels, a 1-channel image from a 1-channel image
    assert found["dense/gray_depth.py::MultiScaleDeblurNet"]["task"] == "image-to-image"
    assert found["dense/gray_flow.py::GrayDenoiser"]["task"] == "image-to-image"


def test_a_style_network_returning_features_first_is_image_to_image(linted):
    found = models(linted)
    style = found["style/adain_features.py::StyleNet"]
    assert style["task"] == "image-to-image" and style["task_reason"].endswith(
        "a feature map rather than class scores (no class count, no softmax), and its inputs content, style name "
        "the images of style transfer")
    (backbone,) = [f for f in linted["findings"] if f["code"] == "NL202"]
    assert backbone["severity"] == "warning" and "models/vgg_normalised.pth (loaded at style/train_style.py:15" \
        in backbone["message"]
    assert found["style/adain_features.py::PixelEmbeddingNet"]["task"] == "segmentation"  # 64 channels from an image


def test_blocks_are_not_image_models(linted):
    found = models(linted)
    refiner = found["blocks/feature_refiner.py::FeatureRefiner"]
    assert refiner["task"] == "unknown" and refiner["task_reason"] == (
        "output 1×64×256×256 keeps the input size with the input's 64 channels: features made from features "
        "(a block of a network), not an image")
    skipped = {s["target"]: s["reason"] for s in linted["skipped"]}
    assert skipped["sr/srtrain/model/common.py::BasicBlock"] == (
        "a building block: sr/srtrain/loss/discriminator.py:10 builds it in a model of its own")
    for unused in ("conv3x3", "ResidualConvBlock"):
        assert skipped[f"blocks/feature_refiner.py::{unused}"].startswith(
            "a building block by its name: no class of the project builds it and no code gives it its arguments")
    assert found["sr/srtrain/model/plainsr.py::PlainSR"]["task"] == "image-to-image"
    assert found["sr/srtrain/loss/discriminator.py::Discriminator"]["task"] == "classification"
