"""NL201 and NL202 on every root image-to-image model (issue 26, item 6): a model captured as
the module tree only (its forward could not run) has its task decided from its code (input
names, an image-maker class whose convolutions read an image), an ImageNet checkpoint the
project's scripts load into a module the model holds is weights evidence, and dense
predictions (matting) stay quiet whatever their inputs' channels. tests/image_to_image_family7
holds the cases (each offending line marked ``# expect: NLxxx``), linted by one CLI run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import copy_of, linted_unchanged

CASES = Path(__file__).resolve().parent / "image_to_image_family7"
EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>NL\d+(?:\s*,\s*NL\d+)*)")
JUDGED = {"NL201", "NL202"}


@pytest.fixture(scope="module")
def linted(tmp_path_factory) -> dict:
    report, proc = linted_unchanged(copy_of(tmp_path_factory, CASES), "-v", "-j", "2", "--timeout", "300")
    assert proc.returncode == 1, proc.stderr
    assert report["errors"] == [], proc.stderr
    return report


def models(report: dict) -> dict[str, dict]:
    return {m["target"]: m for m in report["models"]}


def findings(report: dict, target: str, code: str) -> list[dict]:
    return [f for f in report["findings"] if f["target"] == target and f["code"] == code]


def test_nl201_and_nl202_are_the_marked_lines(linted):
    expected = set()
    for file in sorted(CASES.rglob("*.py")):
        for number, line in enumerate(file.read_text().splitlines(), 1):
            match = EXPECT.search(line)
            if match:
                expected |= {(code.strip(), str(file.relative_to(CASES)), number) for code in match["codes"].split(",")}
    found = {(f["code"], f["path"], f["line"]) for f in linted["findings"] if f["code"] in JUDGED}
    assert found == expected


def test_module_tree_models_get_their_task_from_the_code(linted):
    found = models(linted)
    fusion = found["modules_tier/colorize.py::InstanceFusionGenerator"]
    assert fusion["capture"] == "modules" and fusion["task"] == "image-to-image"
    assert fusion["task_reason"] == ("the forward did not run, so no output shape: InstanceFusionGenerator is named "
                                     "as an image generator and its convolution down.0 reads 4 channels (an image, "
                                     "with its masks or hints): not a latent code")
    composer = found["modules_tier/colorize.py::BoxComposer"]
    assert composer["task"] == "image-to-image" and composer["task_reason"].endswith(
        "the last convolution of its decoder (decoder.2) makes 3 channels, as many as the first reads: a decoder "
        "mirroring the encoder back to an image")
    stylizer = found["modules_tier/stylize.py::PatchSwapStylizer"]
    assert stylizer["capture"] == "modules" and "its inputs content, styles name the images of style transfer" \
        in stylizer["task_reason"]
    for quiet in ("BoxDiscriminator", "LatentGenerator", "PortraitMatting", "BoxSegmenter"):
        model = found[f"modules_tier/colorize.py::{quiet}"]
        assert model["capture"] == "modules" and model["task"] == "unknown", quiet


def test_a_finding_on_the_module_tree_says_how_the_task_was_decided(linted):
    (norm,) = findings(linted, "modules_tier/colorize.py::InstanceFusionGenerator", "NL201")
    assert "in an image-to-image model (the forward did not run, so no output shape: InstanceFusionGenerator is named" \
        in norm["message"]
    (backbone,) = findings(linted, "modules_tier/stylize.py::PatchSwapStylizer", "NL202")
    assert backbone["message"].startswith("classification backbone vgg16 built by torchvision.models.vgg.vgg16() "
                                          "with pretrained weights VGG16_Weights.IMAGENET1K_V1 reused as encoder")


def test_a_checkpoint_the_script_loads_into_the_models_vgg_is_evidence(linted):
    (backbone,) = findings(linted, "adain_script/net.py::StyleNet", "NL202")
    assert backbone["severity"] == "warning"
    assert backbone["message"].startswith(
        "classification backbone Sequential (the project's own vgg) with pretrained weights weights/vgg_normalised.pth "
        "(loaded at adain_script/train.py:14, read from the code, not run; the file's name is the evidence that "
        "they are ImageNet weights) reused as stage_1, stage_2, stage_3")
    assert findings(linted, "adain_script/restorer.py::Denoiser", "NL202") == []  # a loss network, not called


def test_matting_is_a_dense_prediction_whatever_its_guide_maps(linted):
    matting = models(linted)["dense_maps/matting.py::ConditionedResnet"]
    assert matting["task"] == "segmentation"
    assert models(linted)["dense_maps/matting.py::GuidedDepthUpsampler"]["task"] == "image-to-image"
