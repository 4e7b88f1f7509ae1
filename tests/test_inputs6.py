"""Example inputs and the task of structured outputs (issue 26, item 5, round 6): a side the
failure message states, inputs joined at different sizes, a forward that unpacks its input's
size, optional inputs used without a check, the first layer the forward runs on an input, and
a dict output's named result. fixtures/inputs6 holds the families, linted once in the run of
the fixture folders."""

from __future__ import annotations

import pytest

from conftest import part_of

FOLDER = "fixtures/inputs6/"


@pytest.fixture(scope="module")
def linted(fixture_folders_report) -> dict:
    report, proc = fixture_folders_report
    part = part_of(report, FOLDER)
    assert part["models"], proc.stderr
    return part


def model(linted: dict, name: str) -> dict:
    found = [m for m in linted["models"] if m["target"].endswith(f"::{name}")]
    assert found, (name, linted["errors"], linted["skipped"])
    return found[0]


def codes(linted: dict, name: str) -> set[str]:
    return {f["code"] for f in linted["findings"] if f["target"].endswith(f"::{name}")}


def test_every_fixture_model_is_analyzed(linted):
    assert linted["errors"] == []
    assert all(m["capture"] != "modules" for m in linted["models"])


# ------------------------------------------------ a side the failure message states

@pytest.mark.parametrize("name, side", [("InceptionLike", 299), ("PatchEmbedChecked", 384), ("FineGrainedNet", 320)])
def test_a_side_the_failure_states_is_tried(linted, name, side):
    found = model(linted, name)
    assert found["input_shape"] == [[1, 3, side, side]]
    assert f"side {side} found by trying sizes" in found["input_reason"]
    assert found["task"] == "classification"


# ------------------------------------------------ inputs joined at different sizes

def test_a_pyramid_of_features_gets_the_sizes_its_joins_take(linted):
    found = model(linted, "PyramidDecoder")
    sides = [shape[2] for shape in found["input_shape"]]
    assert sides[0] == 2 * sides[1] == 4 * sides[2]
    assert "the size a join (torch.cat, an addition) takes" in found["input_reason"]
    assert found["task"] == "image-to-image"


def test_a_recurrent_state_gets_the_size_of_the_map_it_meets(linted):
    found = model(linted, "RecurrentRemover")
    assert found["input_shape"] == [[1, 3, 256, 256], [1, 32, 64, 64]]


def test_a_progressive_discriminator_takes_its_first_steps_size(linted):
    found = model(linted, "ProgressiveCritic")
    assert found["input_shape"] == [[1, 3, 4, 4]]
    assert found["task"] != "image-to-image" and not codes(linted, "ProgressiveCritic") & {"NL201", "NL202"}


# ------------------------------------------------ a forward that unpacks its input's size

@pytest.mark.parametrize("name, shape", [("DenseDigits", [1, 1, 28, 28]), ("ColourMLP", [1, 3, 32, 32]),
                                         ("SequenceHead", [1, 1, 40])])
def test_an_unpacked_size_gives_the_inputs_rank(linted, name, shape):
    found = model(linted, name)
    assert found["input_shape"] == [shape]
    assert "as the forward unpacks its size" in found["input_reason"]


# ------------------------------------------------ optional inputs the forward needs

@pytest.mark.parametrize("name, shapes", [
    ("FeatureFusedGenerator", [[1, 16, 256, 256], [1, 32, 256, 256]]),  # f_m: the features it is added to
    ("ConditionedRefiner", [[1, 3, 256, 256], [1, 3, 256, 256]]),
    ("MaskedBlender", [[1, 3, 256, 256], [1, 1, 256, 256]]),  # a mask: one channel
])
def test_an_optional_input_used_without_a_check_is_given(linted, name, shapes):
    found = model(linted, name)
    assert found["input_shape"] == shapes
    assert "without checking for None" in found["input_reason"]
    assert "NL201" in codes(linted, name)


def test_an_optional_input_the_forward_checks_stays_optional(linted):
    assert model(linted, "OptionalChecked")["input_shape"] == [[1, 3, 256, 256]]


# ------------------------------------------------ the first layer the forward runs on an input

def test_the_first_layer_is_the_first_the_forward_runs_on_the_input(linted):
    found = model(linted, "MappedStyleGenerator")
    assert found["input_shape"] == [[1, 64]]
    assert found["input_reason"].startswith("inferred from mapping.0 Linear(64→…)")


# ------------------------------------------------ the task of structured outputs

def test_a_dicts_named_prediction_decides_the_task(linted):
    found = model(linted, "WarpingGenerator")
    assert found["output_shape"][0] == [1, 3, 256, 256]  # "prediction", before "mask"; "deformed" is None
    assert found["task"] == "image-to-image" and "NL201" in codes(linted, "WarpingGenerator")


def test_a_segmentation_dict_stays_a_segmentation(linted):
    found = model(linted, "DictSegmenter")
    assert found["task"] == "segmentation"
    assert not codes(linted, "DictSegmenter") & {"NL201", "NL202"}
