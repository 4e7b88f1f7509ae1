"""Example inputs, round 8 (issue 26, item 5): what reads an input beats its name and its rank —
video clips (B×T×C×H×W when the forward unpacks five names and folds time into the batch; T×C×H×W
when it adds the batch axis itself before a Conv3d), a tuple the forward unpacks, a dict of
feature maps read by string keys, a "label" concatenated with the image into a convolution, and
the sides an assertion demands with a modulo. fixtures/inputs/family8 holds the families, linted
once in the run of the fixture files."""

from __future__ import annotations

import pytest

from conftest import netlint_json, part_of

FOLDER = "fixtures/inputs/family8/"


@pytest.fixture(scope="module")
def linted(fixture_files_report) -> dict:
    report, proc = fixture_files_report
    part = part_of(report, FOLDER)
    assert part["models"], proc.stderr
    return {m["class"]: m for m in part["models"]} | {"": part}


def test_every_family_model_is_analyzed_with_a_forward(linted):
    part = linted[""]
    assert part["errors"] == [] and len(part["models"]) == 13
    assert all(m["capture"] != "modules" for m in part["models"])


# ------------------------------------------------ video clips

def test_five_unpacked_names_over_a_2d_encoder_make_a_clip_and_its_masks_one_too(linted):
    found = linted["FrameInpainter"]
    assert found["input_shape"] == [[1, 5, 3, 256, 256], [1, 5, 1, 256, 256]]
    assert "a clip B×T×C×H×W as the forward unpacks its size (T 5: netlint's choice)" in found["input_reason"]


def test_a_clips_frames_come_from_the_constructor_and_its_channels_are_its_third_axis(linted):
    found = linted["StackedInterpolator"]  # Conv2d(n_frames * 3) reads the frames stacked
    assert found["input_shape"] == [[1, 4, 3, 256, 256]]
    assert "T 4: the constructor's n_frames" in found["input_reason"]
    assert "the clip's frames stacked along the channels" in found["input_reason"]


def test_a_forward_that_adds_the_batch_axis_before_a_conv3d_gets_an_unbatched_clip(linted):
    found = linted["ClipDiscriminator"]  # transpose(xs, 0, 1).unsqueeze(0): T×C×H×W
    assert found["input_shape"] == [[16, 3, 128, 128]]
    assert "without a batch axis, its first two axes swapped" in found["input_reason"]


def test_a_list_of_frames_the_forward_stacks_for_a_conv3d_has_the_constructor_s_count(linted):
    found = linted["FrameListInterpolator"]  # torch.stack(images, dim=2), then Conv2d(width * n_inputs)
    assert found["input_shape"] == [[1, 3, 128, 128]] * 4  # the side of a clip for a Conv3d
    assert "images: a list of 4 images" in found["input_reason"]


def test_a_conv3d_that_reads_the_clip_as_given_keeps_its_5d_input(linted):
    assert linted["ClipClassifier"]["input_shape"] == [[1, 3, 16, 128, 128]]
    assert linted["ClipClassifier"]["task"] == "classification"


# ------------------------------------------------ tuples and dicts

def test_a_tuple_the_forward_unpacks_holds_an_image_and_a_one_channel_mask(linted):
    found = linted["TupleInpainter"]
    assert found["input_shape"] == [[1, 3, 256, 256], [1, 1, 256, 256]]
    assert "inp: a tuple (img 1×3×256×256, mask 1×1×256×256), as the forward unpacks it" in found["input_reason"]


def test_a_pair_the_forward_unpacks_and_concatenates_is_two_images(linted):
    found = linted["PairDiscriminator"]
    assert found["input_shape"] == [[1, 3, 256, 256], [1, 3, 256, 256]]
    assert "pair: a tuple (real 1×3×256×256, fake 1×3×256×256)" in found["input_reason"]


def test_a_dict_read_by_string_keys_has_each_map_shaped_by_what_reads_it(linted):
    found = linted["ReferenceSR"]  # the maps joined at 1×, 2× and 4× the image's side
    assert found["input_shape"] == [[1, 3, 256, 256], [1, 256, 256, 256], [1, 128, 512, 512], [1, 64, 1024, 1024]]
    assert "maps: a dict of relu3_1 1×256×256×256, relu2_1 1×128×512×512" in found["input_reason"]
    assert found["task"] == "image-to-image"


# ------------------------------------------------ labels: what reads them

def test_a_label_concatenated_with_the_image_into_a_conv_is_an_image(linted):
    found = linted["PairedDiscriminator"]
    assert found["input_shape"] == [[1, 3, 256, 256], [1, 3, 256, 256]]
    assert "label: an image like x, concatenated with it into b1.conv" in found["input_reason"]


def test_a_label_an_embedding_reads_is_a_class_index_and_a_tiled_one_a_vector(linted):
    assert linted["EmbeddedLabelGenerator"]["input_shape"] == [[1, 64], [1]]
    assert linted["TiledLabelDiscriminator"]["input_shape"] == [[1, 3, 256, 256], [1, 5]]


# ------------------------------------------------ sides an assertion demands

def test_sides_of_the_form_an_assertion_demands_are_tried(linted):
    assert linted["OddCropSegmenter"]["input_shape"] == [[1, 3, 257, 257]]  # (h - 1) % 8 == 0
    assert linted["OddCropSegmenter"]["task"] == "segmentation"
    assert linted["StrideChecked"]["input_shape"] == [[1, 3, 192, 192]]  # % 96 == 0


NEVER_FITS = '''
from torch import nn


class NeverFits(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        assert x.shape[2] % 1000 == 999
        return self.body(x)
'''


def test_an_assertion_no_side_meets_is_reported_as_one_about_the_sides(tmp_path):
    model = tmp_path / "never_fits.py"
    model.write_text(NEVER_FITS)
    report, proc = netlint_json(str(model))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    [error] = report["errors"]
    assert "assert x.shape[2] % 1000 == 999" in error["message"]
    assert "the assertion on the input's sides held at none of the other sides tried" in error["message"]
    assert "not because of the input's size" not in error["message"]
