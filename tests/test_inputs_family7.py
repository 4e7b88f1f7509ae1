"""Example inputs, round 7 (issue 26, item 5): inputs after the first that only the forward's code
says how to read (a style image given to the content's encoder, a style vector an MLP reads
whatever its name says), lists whose elements differ (feature maps read by their own branches,
reference frames whose count the forward asserts), a grayscale network adapted from an RGB one,
a latent chunked between blocks, and the size search only for failures about sizes.
fixtures/inputs/family7 holds the families, linted once in the run of the fixture files."""

from __future__ import annotations

import pytest

from conftest import netlint_json, part_of

FOLDER = "fixtures/inputs/family7/"


@pytest.fixture(scope="module")
def linted(fixture_files_report) -> dict:
    report, proc = fixture_files_report
    part = part_of(report, FOLDER)
    assert part["models"], proc.stderr
    return {m["class"]: m for m in part["models"]} | {"": part}


def test_every_family_model_is_analyzed_with_a_forward(linted):
    part = linted[""]
    assert part["errors"] == [] and len(part["models"]) == 9
    assert all(m["capture"] != "modules" for m in part["models"])


# ------------------------------------------------ what the forward's code gives an input to

def test_a_style_image_given_to_the_contents_encoder_is_an_image_like_it(linted):
    found = linted["StyleTransferNet"]
    assert found["input_shape"] == [[1, 3, 256, 256], [1, 3, 256, 256]]
    assert "style: like content, given to self.encode" in found["input_reason"]
    assert found["task"] == "image-to-image"


def test_a_list_of_styles_given_to_the_encoder_is_a_list_of_one_image_like_the_content(linted):
    found = linted["MultiStyleNet"]
    assert found["input_shape"] == [[1, 3, 256, 256], [1, 3, 256, 256]]
    assert "styles: a list of 1 image, as the forward uses it" in found["input_reason"]


def test_a_style_code_an_mlp_reads_is_a_vector_whatever_its_name(linted):
    found = linted["ReferenceGenerator"]  # s_ref: "ref" names an image, but a Linear reads it
    assert found["input_shape"] == [[1, 3, 256, 256], [1, 16]]
    assert "s_ref: a vector read by mlp.model.0 Linear(16→…)" in found["input_reason"]


# ------------------------------------------------ lists whose elements differ

def channels(found: dict) -> list[int]:
    return [shape[1] for shape in found["input_shape"]]


def test_feature_maps_indexed_from_the_end_get_their_branches_channels(linted):
    found = linted["DeepSupervisedHead"]
    assert channels(found)[-2:] == [128, 256]
    assert "their channels those of the layers that read them" in found["input_reason"]


def test_feature_maps_a_module_list_reads_in_a_loop_get_each_entrys_channels(linted):
    found = linted["PyramidHead"]
    assert channels(found) == [32, 64, 128, 256]
    sides = [shape[2] for shape in found["input_shape"]]
    assert sides == sorted(sides, reverse=True)  # the finest first


def test_reference_frames_of_the_asserted_count_share_the_first_convolution(linted):
    found = linted["PoseNet"]
    assert found["input_shape"] == [[1, 3, 256, 256]] * 3  # the target and nb_ref_imgs=2 references
    assert "a list of 2 images" in found["input_reason"]
    assert "3 channels for target_image, ref_imgs each" in found["input_reason"]


# ------------------------------------------------ channels and widths the code says

def test_a_convolution_reads_the_channels_its_weight_says(linted):
    found = linted["GrayColorizer"]
    assert found["input_shape"] == [[1, 1, 256, 256]]
    assert found["task"] == "image-to-image"


def test_a_chunked_latent_is_the_chunk_times_the_count(linted):
    found = linted["ChunkedGenerator"]
    assert found["input_shape"] == [[1, 60], [1, 10]]
    assert "60 for z: chunked into 4 by the forward" in found["input_reason"]


# ------------------------------------------------ the size search only for failures about sizes

def test_an_assertion_on_the_size_still_searches_the_sides(linted):
    found = linted["SizeCheckedNet"]
    assert found["input_shape"] == [[1, 3, 128, 128]]
    assert "side 128 found by trying sizes" in found["input_reason"]


CHECKED = """
import torch
from torch import nn


class LabelMapNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        assert x.dtype == torch.long
        return self.conv(x.float())


class OldStyleTransfer(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Conv2d(3, 8, 3)

    def encode(self, image):
        return self.encoder(image.unsqueeze(0) if image.dim() == 3 else image)

    def forward(self, content, style):
        return removed_whitening(self.encode(content), self.encode(style))
"""


@pytest.fixture(scope="module")
def failing(tmp_path_factory) -> tuple[dict, object]:
    folder = tmp_path_factory.mktemp("family7")
    (folder / "label_map.py").write_text(CHECKED)
    return netlint_json("label_map.py", cwd=folder)


def test_an_assertion_that_reads_no_size_is_shown_and_no_side_is_tried(failing):
    report, proc = failing
    assert proc.returncode == 2, proc.stderr
    [error] = report["errors"]
    assert "AssertionError: assert x.dtype == torch.long (label_map.py:12)" in error["message"]
    assert "not a failure about the input's size, so no other side was tried" in error["message"]
    assert "fail too" not in error["message"]


def test_a_forward_failing_at_inputs_read_from_its_code_leaves_the_module_tree(failing):
    report, _ = failing  # (the style is guessed from the calls the forward makes: not an error of the model's)
    [found] = report["models"]
    assert found["class"] == "OldStyleTransfer" and found["capture"] == "modules"
    assert found["input_reason"].startswith("the forward failed at inputs read from its code")
    assert "NameError: name 'removed_whitening' is not defined" in found["input_reason"]
