"""Example inputs, round 9 (issue 26, item 5): inputs of several kinds (an edge map its constructor
sizes beside an image and a one-channel mask, a feature map of another network at a fraction of the
image's side, frames stacked on the channels that the forward picks by index), clips whose axes the
forward transposes for a Conv3d, and frames that are not square (attention patches of (w, h)
pairs, a size pair the model keeps). tests/inputs_family9 holds the families, linted by one CLI run."""

from __future__ import annotations

import pytest

from conftest import shared_run


@pytest.fixture(scope="module")
def linted(tmp_path_factory) -> dict:
    report, proc = shared_run(tmp_path_factory, "inputs-family9", "tests/inputs_family9", "-j", "2", "--timeout", "300")
    assert report["errors"] == [] and [s for s in report["skipped"] if s["model"]] == [], proc.stderr
    return {m["class"]: m for m in report["models"]} | {"": report}


def test_every_family_model_is_analyzed_with_a_forward_and_stays_quiet(linted):
    report = linted[""]
    assert len(report["models"]) == 9
    assert all(m["capture"] != "modules" for m in report["models"])
    assert report["findings"] == []


# ------------------------------------------------ inputs of several kinds

def test_an_edge_map_has_the_channels_its_constructor_gives_beside_an_image_and_a_mask(linted):
    found = linted["DualStreamInpainter"]  # edge_in_channels=2; the mask concatenated with itself
    assert found["input_shape"] == [[1, 3, 256, 256], [1, 2, 256, 256], [1, 1, 256, 256]]
    assert "structure_edge: a 2-channel map (by its name; 2 from the constructor's edge_in_channels)" \
        in found["input_reason"]


def test_a_feature_map_of_another_network_gets_the_side_its_join_takes_at_the_side_the_head_fits(linted):
    found = linted["SketchFeatureCritic"]
    assert found["input_shape"] == [[1, 3, 512, 512], [1, 256, 32, 32]]
    assert "the size a join (torch.cat, an addition) takes" in found["input_reason"]


def test_frames_stacked_on_the_channels_have_as_many_as_the_forward_indexes(linted):
    found = linted["StackedFrameFlow"]  # x[:, 2] while a Conv2d(2) reads pairs of them
    assert found["input_shape"] == [[1, 3, 256, 256]]
    assert "3 channels as the forward picks channel 2 of it" in found["input_reason"]


# ------------------------------------------------ axes reordered before a layer

def test_a_clip_transposed_for_a_conv3d_is_given_as_b_t_c_h_w(linted):
    for name, how in (("TemporalPatchCritic", "transpose(1, 2)"), ("FramewiseCritic", "permute(0, 2, 1, 3, 4)")):
        found = linted[name]
        assert found["input_shape"] == [[1, 16, 3, 128, 128]], name
        assert f"a clip B×T×C×H×W as the forward reorders its axes ({how})" in found["input_reason"]


def test_a_sequence_permuted_for_a_conv1d_is_given_as_b_l_c(linted):
    assert linted["SequenceTagger"]["input_shape"] == [[1, 1024, 40]]


# ------------------------------------------------ frames that are not square

def test_attention_patches_of_w_h_pairs_get_a_frame_every_patch_divides(linted):
    found = linted["SpaceTimeInpainter"]  # patches (54, 30), (18, 10), (9, 5) on a map a quarter of the frame
    assert found["input_shape"] == [[1, 5, 3, 120, 216], [1, 5, 1, 120, 216]]
    assert "side 120×216 (a frame the model's code states) found by trying sizes" in found["input_reason"]


def test_windows_under_another_name_and_a_kept_size_pair_give_their_frames(linted):
    height, width = linted["WindowedRestorer"]["input_shape"][0][2:]
    assert height % 12 == 0 and width % 20 == 0 and height != width
    assert linted["SizedCritic"]["input_shape"] == [[1, 3, 96, 160]]
