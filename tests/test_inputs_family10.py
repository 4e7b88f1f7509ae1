"""Example inputs, round 10 (issue 26, item 5): the input read from how the forward uses it. A forward
that takes a tensor or a dict of tensors (a collator's batch), a generator's noise viewed as a map of
1×1, a critic that flattens an image from the sizes it reads, a tuple of an image and its upscaled copy, a Python flag beside the images, clips
that a window slides over or that are indexed frame by frame. tests/inputs_family10 holds the
families, linted by one CLI run."""

from __future__ import annotations

import pytest

from conftest import shared_run


@pytest.fixture(scope="module")
def linted(tmp_path_factory) -> dict:
    report, proc = shared_run(tmp_path_factory, "inputs-family10", "tests/inputs_family10", "-j", "2",
                              "--timeout", "300")
    assert report["errors"] == [] and [s for s in report["skipped"] if s["model"]] == [], proc.stderr
    return {m["class"]: m for m in report["models"]} | {"": report}


def test_every_family_model_is_analyzed_with_a_forward_and_stays_quiet(linted):
    report = linted[""]
    assert len(report["models"]) == 23
    assert all(m["capture"] != "modules" for m in report["models"])
    assert report["findings"] == []


# ------------------------------------------------ a tensor or a dict of tensors

def test_a_forward_that_takes_a_tensor_or_a_dict_gets_the_tensor_when_the_dict_it_reads_fails(linted):
    found = linted["PatchOrImageEncoder"]  # the dict's coords are asserted: an internal error before
    assert found["input_shape"] == [[1, 3, 256, 256]]
    assert "a dict" not in found["input_reason"]


def test_a_forward_that_runs_on_the_dict_it_reads_keeps_the_dict(linted):
    found = linted["BatchOrTensorSegmenter"]
    assert "batch: a dict of image 1×3×256×256, valid 1×3×256×256" in found["input_reason"]


# ------------------------------------------------ noise, codes and flattened images

def test_a_noise_viewed_as_a_map_of_1x1_is_a_vector_of_the_channels_its_layer_takes(linted):
    for name, channels in (("WrappedNoiseGenerator", 100), ("CodeGenerator", 64)):
        found = linted[name]
        assert found["input_shape"] == [[1, channels]], name
        assert "a vector B×C as the forward views it as a map of 1×1" in found["input_reason"], name


def test_a_noise_s_features_come_from_the_view_when_the_graph_s_first_layer_is_a_norm_after_it(linted):
    found = linted["EqualizedGenerator"]  # a weight scaled at run time, then BatchNorm2d(192)
    assert found["input_shape"] == [[1, 96]]
    assert "the view's self.latent_dim (96)" in found["input_reason"]


def test_an_image_flattened_from_the_sizes_the_forward_reads_has_the_linear_s_features(linted):
    assert linted["FlatteningCritic"]["input_shape"] == [[1, 3, 32, 32]]
    assert linted["ShapeFlatteningCritic"]["input_shape"] == [[1, 1, 28, 28]]
    assert linted["VectorGenerator"]["input_shape"] == [[1, 100]]  # viewed as B×F only: stays a vector


def test_feature_maps_whose_gram_matrix_a_linear_reads_have_the_square_root_of_its_features(linted):
    found = linted["StyleLevelCritic"]  # gram_matrix(inputs) into Linear(4096): 64 channels, not 1×64×64
    assert found["input_shape"] == [[1, 64, 256, 256]]
    assert "feature maps of 64 channels whose Gram matrix (64×64) the forward flattens" in found["input_reason"]
    assert linted["GramStyleEmbedder"]["input_shape"] == [[1, 32, 256, 256]]


def test_an_input_split_along_the_channels_into_stated_sizes_has_their_sum(linted):
    found = linted["DepthAwareSegmenter"]  # torch.split(x, [3, 1], dim=1) after a Conv2d(3) said 3
    assert found["input_shape"] == [[1, 4, 256, 256]]
    assert "4 channels as the forward splits them" in found["input_reason"]
    assert linted["GuidedFilterNet"]["input_shape"] == [[1, 5, 256, 256]]


# ------------------------------------------------ tuples

def test_a_tuple_of_an_image_and_its_upscaled_copy_has_the_copy_at_the_constructor_s_scale(linted):
    found = linted["ResidualUpscaler"]  # ``lr, lr_up = x``: "not enough values to unpack" before
    assert found["input_shape"] == [[1, 3, 256, 256], [1, 3, 512, 512]]
    assert "each 2× the one before (the constructor's up_scale)" in found["input_reason"]
    assert linted["BicubicResidualUpscaler"]["input_shape"] == [[1, 3, 256, 256], [1, 3, 768, 768]]


# ------------------------------------------------ clips

def test_a_clip_a_window_slides_over_has_more_frames_than_the_window_drops(linted):
    found = linted["WindowDeblurrer"]  # range(past, T - future): T 2 stacked nothing
    assert found["input_shape"] == [[1, 5, 3, 256, 256]]
    assert "T 5: past_frames + future_frames + 1 at least" in found["input_reason"]


def test_a_clip_indexed_on_every_axis_is_five_dimensional_with_the_constructor_s_frames(linted):
    found = linted["IndexedFrameFuser"]  # x[:, i, :, :, :] was given an image: "too many indices"
    assert found["input_shape"] == [[1, 3, 3, 256, 256]]
    assert "T 3: the constructor's n_sequence" in found["input_reason"]


def test_a_clip_renamed_before_its_size_is_unpacked_is_still_a_clip(linted):
    found = linted["ScaleRecurrentDeblurrer"]  # ``frames = x; B, N, C, H, W = frames.shape``
    assert found["input_shape"] == [[1, 5, 3, 256, 256]]


# ------------------------------------------------ arguments that are not tensors

def test_a_required_argument_used_only_as_a_condition_is_a_flag_not_an_image(linted):
    found = linted["EdgeAwareCritic"]  # ``if is_real == True:`` was given an image: "Boolean value of Tensor"
    assert found["input_shape"] == [[1, 3, 256, 256], [1, 3, 256, 256], [1, 1, 256, 256], []]
    assert "is_real: a flag (False: the forward uses it only as a condition)" in found["input_reason"]
    assert linted["FeatureClassifier"]["input_shape"] == [[1, 3, 256, 256], []]


def test_a_style_the_content_s_encoder_reads_in_a_helper_is_an_image_not_the_constructor_s_vector(linted):
    found = linted["KernelPredictingStylizer"]  # self._encode(content, style): style_channels=16 said a vector
    assert found["input_shape"] == [[1, 3, 256, 256], [1, 3, 256, 256]]
    assert "style: like content, read by encoder.blocks as it is" in found["input_reason"]


def test_inputs_read_from_the_code_that_only_meta_refuses_run_on_the_cpu(linted):
    found = linted["ValueScaledStyleMixer"]  # its encoder reads a buffer's .item(): the module tree before
    assert found["capture"] != "modules"
    assert found["input_shape"] == [[1, 3, 64, 64], [1, 3, 64, 64]]


def test_a_decoder_step_gets_a_token_a_sample_and_the_hidden_state_its_rnn_takes(linted):
    found = linted["TokenStepDecoder"]  # self.gru(step, hidden) was given 1×64: "hx should also be 3-D"
    assert found["input_shape"] == [[1], [1, 1, 64]]
    assert "hidden: the hidden state of gru (layers×directions 1, batch 1, 64)" in found["input_reason"]
    assert linted["StackedStateDecoder"]["input_shape"] == [[1, 128], [4, 1, 48]]
