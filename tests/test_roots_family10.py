"""Which classes are roots and what ends a build (issue 26, items 1 and 6), by family:
a network a factory builds alone (through a helper that hands back what it was given) is a
root, whatever else builds it; losses, a base network nothing builds, a decoder named D and
layers named as convolutions are not; a buffer fx left holding a Proxy does not end the analysis,
and a result holding a value pickle refuses is an error that names it, not a dead worker; a
project file named like the missing library it adapts is not taken for that library; several
outputs and the task; forwards written for an older torch; a class in a __main__ block.
tests/roots_family10 holds one folder per family, linted by one CLI run."""

from __future__ import annotations

import dataclasses
import math
import subprocess
from pathlib import Path

import pytest

from conftest import copy_of, linted_unchanged, model, skip_reason
from netlint.isolation import unpicklable_value

PROJECT = Path(__file__).resolve().parent / "roots_family10"


@pytest.fixture(scope="module")
def linted(tmp_path_factory) -> tuple[dict, subprocess.CompletedProcess]:
    return linted_unchanged(copy_of(tmp_path_factory, PROJECT), "-j", "2", "--timeout", "300")


def codes(document: dict, target: str) -> set[str]:
    return {f["code"] for f in document["findings"] if f["target"] == target}


def errors(document: dict) -> dict[str, str]:
    return {e["target"]: e["message"] for e in document["errors"]}


# ------------------------------------------------ built alone by a factory: a root

@pytest.mark.parametrize("name", ["ResnetGenerator", "Refiner"])
def test_a_network_a_factory_builds_alone_through_init_net_is_a_root_though_another_class_builds_it(linted, name):
    document, _ = linted
    found = model(document, f"dehaze/networks.py::{name}")
    assert found["task"] == "image-to-image"
    assert "NL201" in codes(document, f"dehaze/networks.py::{name}")


def test_the_block_only_classes_build_stays_a_block(linted):
    assert skip_reason(linted[0], "dehaze/networks.py::ResnetBlock").startswith("a building block: ResnetGenerator")


# ------------------------------------------------ not roots: losses, bases, decoders, layers

@pytest.mark.parametrize("name", ["GeneratorLoss", "CenterLoss", "StyleCriterion"])
def test_a_loss_is_not_a_root_whatever_it_holds(linted, name):
    document, _ = linted
    assert skip_reason(document, f"losses/losses.py::{name}").startswith("a loss: ")
    assert not codes(document, f"losses/losses.py::{name}")


def test_a_base_network_that_no_code_builds_is_analyzed_through_its_subclasses(linted):
    document, _ = linted
    assert skip_reason(document, "bases/networks.py::BaseNet") == \
        "a base class: IlluminationNet, NoiseNet subclass it and no code of the project builds it"
    for name in ("IlluminationNet", "NoiseNet"):
        assert "NL201" in codes(document, f"bases/networks.py::{name}")


def test_a_base_the_project_builds_itself_stays_a_model(linted):
    model(linted[0], "bases/networks.py::GeneratorBase")


def test_a_decoder_named_d_with_four_inputs_is_its_models_block_not_a_discriminator(linted):
    document, _ = linted
    assert skip_reason(document, "depth/modules.py::D").startswith("a building block: depth/net.py:")
    model(document, "depth/net.py::DepthModel")


@pytest.mark.parametrize("name", ["ResConv", "GatedConv2d"])
def test_an_unused_layer_named_as_a_convolution_is_a_block(linted, name):
    assert skip_reason(linted[0], f"layers/base_layers.py::{name}").startswith("a building block by its name")


# ------------------------------------------------ what ends a build

def test_a_buffer_that_fx_left_holding_a_proxy_does_not_end_the_analysis(linted):
    document, _ = linted
    found = model(document, "workers/spectral.py::Discriminator")
    assert found["params"] == (3 * 16 * 9 + 16) + (16 * 9 + 1)
    assert not [e for e in document["errors"] if e["target"].startswith("workers/")]


def test_a_value_pickle_refuses_is_named_by_where_it_is_in_the_result():
    @dataclasses.dataclass
    class Summary:
        name: str
        arguments: dict

    where = unpicklable_value([Summary("Net", {"norm": "batch", "lib": math})], "its result")
    assert where.startswith("its result[0].arguments['lib'] holds <module 'math'")


def test_a_project_file_named_like_a_missing_library_is_not_that_library(linted):
    document, _ = linted
    model(document, "wrapper/examples/regression.py::Regressor")
    assert not [e for e in document["errors"] if e["target"].startswith("wrapper/")]


# ------------------------------------------------ tasks: several outputs

def test_a_forward_returning_a_parsing_map_and_the_restored_image_is_image_to_image(linted):
    document, _ = linted
    parse = model(document, "tasks/parsing.py::ParseNet")
    assert parse["task"] == "image-to-image" and "the forward also returns 1×19×256×256" in parse["task_reason"]
    assert "NL201" in codes(document, "tasks/parsing.py::ParseNet")


@pytest.mark.parametrize("name", ["SegmenterWithInput", "SegmenterWithFeatures"])
def test_a_segmenter_returning_its_input_or_features_beside_its_logits_stays_quiet(linted, name):
    document, _ = linted
    assert model(document, f"tasks/parsing.py::{name}")["task"] == "segmentation"
    assert not codes(document, f"tasks/parsing.py::{name}") & {"NL201", "NL202"}


# ------------------------------------------------ a matting decoder: built, run, and quiet

def test_a_convolution_given_an_int_stride_after_building_runs_and_a_matting_decoder_is_a_dense_prediction(linted):
    document, _ = linted
    matting = model(document, "matting/indexnet.py::MobileNetV2UNetDecoder")
    assert matting["task"] == "segmentation"
    assert not codes(document, "matting/indexnet.py::MobileNetV2UNetDecoder") & {"NL201", "NL202"}


# ------------------------------------------------ code written for an older torch: errors that say so

@pytest.mark.parametrize(("name", "line", "why"), [
    ("UpGenerator", 15, "output_padding=True/False, a bool"),
    ("LegacyScaled", 32, "an autograd Function instance with a non-static forward"),
])
def test_a_forward_written_for_an_older_torch_names_the_project_line_and_the_version(linted, name, line, why):
    message = errors(linted[0])[f"older/legacy.py::{name}"]
    assert why in message and f"older/legacy.py:{line} does not run on this torch version" in message


def test_a_module_name_with_a_dot_is_an_error_at_its_line(linted):
    document, _ = linted
    error = next(e for e in document["errors"] if e["target"] == "older/legacy.py::DottedNames")
    assert "it names a module with a '.', which this torch refuses" in error["message"] and error["line"] == 38


def test_a_class_defined_in_a_scripts_main_block_is_analyzed_though_its_imports_are_missing(linted):
    tabular = model(linted[0], "scripts/train_in_main.py::TabularNet")
    assert tabular["params"] == 20 * 10 + 10 + 10 * 2 + 2
