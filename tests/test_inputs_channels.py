"""The inputs' channels solved for from the layer that refuses them (a mask with the image's
channels, an image and a mask concatenated, a pixel unshuffle, a noise map, the input with
itself), list inputs (a pyramid, frames, images zipped with heads), and no finding from a size
netlint chose: all on fixtures/input_channels, linted once in the run of the fixture folders."""

from __future__ import annotations

import pytest

from conftest import netlint_json, part_of

FOLDER = "fixtures/input_channels/"


@pytest.fixture(scope="module")
def channels_report(fixture_folders_report):
    report, proc = fixture_folders_report
    part = part_of(report, FOLDER)
    assert part["errors"] == [], proc.stderr
    return {m["class"]: m for m in part["models"]}, part


def image(channels: int, side: int = 256) -> list[int]:
    return [1, channels, side, side]


@pytest.mark.parametrize("name, shapes", [
    ("PartialConvInpainter", [image(3), image(3)]),  # a partial convolution's mask with the image's channels
    ("SingleMaskInpainter", [image(3), image(1)]),
    ("MaskedHarmonizer", [image(3), image(1)]),  # image and mask concatenated into a block built for 4
    ("EdgeGuidedFiller", [image(3), image(1), image(1)]),  # the hole third, inverted
])
def test_an_image_and_its_mask_get_the_channels_the_layers_read(channels_report, name, shapes):
    models, _ = channels_report
    assert models[name]["input_shape"] == shapes
    assert models[name]["task"] == "image-to-image"


def test_the_reason_says_which_layer_the_channels_were_solved_from(channels_report):
    models, _ = channels_report
    assert "3 channels for mask: enc1 conv2d(3→…) reads it whole, found by trying" \
        in models["PartialConvInpainter"]["input_reason"]
    assert ("3 channels for image: down.body.0 Conv2d(4→…) is given c + 1 channels for its c (the input "
            "concatenated with 1 more") in models["MaskedHarmonizer"]["input_reason"]
    assert "found by trying" not in models["SingleMaskInpainter"]["input_reason"]


@pytest.mark.parametrize("name, shapes, relation", [
    ("SubPixelDenoiser", [image(1)], "4·c"),  # nn.PixelUnshuffle(2) before Conv2d(4)
    ("SpaceToDepthRestorer", [image(3)], "4·c"),  # the project's own space-to-depth before Conv2d(12)
    ("NoiseMapDenoiser", [image(3)], "c + 1"),  # a noise-level map made from the input, concatenated
    ("SelfConcatRefiner", [image(3)], "2·c"),  # cat((x, x), 1) before Conv2d(6)
])
def test_an_input_transformed_before_the_first_layer_gets_its_own_channels(channels_report, name, shapes,
                                                                             relation):
    models, _ = channels_report
    assert models[name]["input_shape"] == shapes
    assert f"is given {relation} channels for its c" in models[name]["input_reason"]


def test_a_noise_level_map_given_beside_the_image_has_one_channel(channels_report):
    models, _ = channels_report
    assert models["SigmaMapDenoiser"]["input_shape"] == [image(3), image(1)]


@pytest.mark.parametrize("name, shapes", [
    ("RGBAEncoder", [image(4)]),
    ("StackedFramesNet", [image(6)]),
    ("TwoImageFusion", [image(3), image(3)]),
])
def test_a_first_layer_that_says_the_truth_is_believed(channels_report, name, shapes):
    models, _ = channels_report
    assert models[name]["input_shape"] == shapes
    assert "found by trying" not in models[name]["input_reason"]


def test_a_pyramid_of_scales_is_a_list_of_halving_images(channels_report):
    models, _ = channels_report
    model = models["CoarseToFineDeblur"]
    assert model["input_shape"] == [image(3), image(3, 128), image(3, 64)]
    assert "input_pyramid: a list of 3 images (halving sizes, the finest first)" in model["input_reason"]
    assert model["output_shape"] == model["input_shape"] and model["task"] == "image-to-image"


def test_frames_are_a_list_as_long_as_the_constructor_counts_and_zipped_images_a_list_too(channels_report):
    models, _ = channels_report
    assert models["FrameFusion"]["input_shape"] == [image(3)] * 5  # num_frames=5
    assert "frames: a list of 5 images (of one size)" in models["FrameFusion"]["input_reason"]
    critic = models["MultiScaleCritic"]  # zip(images, heads): a tensor would be iterated over its batch
    assert critic["input_shape"][:2] == [image(3), image(3, 128)]
    assert [len(s) for s in critic["output_shape"]] == [4, 4]


def test_no_finding_from_the_small_size_netlint_picks_to_run_on_the_cpu(channels_report):
    models, part = channels_report
    model = models["NormalizedEncoderDecoder"]
    assert model["built_on"] == "meta-with-cpu-values" and model["input_shape"] == [image(3, 64)]
    assert any("side 64 is netlint's choice" in note for note in model["notes"])
    assert [f for f in part["findings"] if f["target"].endswith("::NormalizedEncoderDecoder")] == []
    # the same size given by the user is judged: the map does collapse there
    report, proc = netlint_json(f"{FOLDER}cpu_only.py", "--input-shape", "1,3,64,64")
    assert [f["code"] for f in report["findings"]] == ["NL304"], proc.stderr


def test_a_linear_head_sized_for_a_side_netlint_does_not_try_says_the_side(channels_report):
    models, _ = channels_report
    model = models["PatchCritic192"]
    assert model["input_shape"] == [image(3, 192)] and model["output_shape"] == [[1, 1]]
    assert "side 192 solved from classifier.0 Linear(9216→…), given 16384 features at side 256" \
        in model["input_reason"]
