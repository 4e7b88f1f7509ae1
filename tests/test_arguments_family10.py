"""Root models built the way their project does (issue 26, round 10), on tests/arguments_family10,
linted in one run:

- dict_options: ``params = vars(parser.parse_args())`` in a ``__main__`` block, the model
  reading ``params['grid_depth']`` and passing the dict on to its blocks (by position and
  by keyword): the parser's defaults as a dict.
- dict_dunder: ``Denoiser(opt.__dict__)``, its script importing argparse inside the block and
  failing to import (a package it needs is missing): the block's parser statements alone.
- dict_literal: a literal dict of sizes in a script, passed whole.
- whole_config: a configuration section names the class (``which_model_G: FlowEnhancer``) and
  the constructor also reads ``opt['scale']``, ``opt_get(opt, [...])`` and a key the file
  lacks (``opt['clamp_output'] is not None``, as the project's NoneDict gives it); a comment
  at column 0 inside the constructor no longer hides what it reads.
- project_modules: ``define_model()`` builds a backbone with a factory of one project module,
  wraps it with a class of another (``encoders.BackboneEncoder(original_model)``), then the
  model: the argument expressions evaluated with the calling file's modules.
- module_arguments: a torchvision model cut into an encoder (``nn.Sequential(*list(
  trunk.children())[:-2])``) at a script's top level, ``num_classes=len(dataset.classes)``
  guessed by its name with a note; a decoder of the model's file built beside a VGG slice.

Nothing here has a finding or an error: the run exits 0."""

from __future__ import annotations

import pytest

from conftest import shared_run

FAMILY = "tests/arguments_family10"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    document, proc = shared_run(tmp_path_factory, "arguments-family10", FAMILY, "-j", "2", "--timeout", "300")
    assert document["errors"] == [], document["errors"]
    assert document["findings"] == [], document["findings"]
    assert proc.returncode == 0, proc.stderr
    return document


def model(document: dict, target: str) -> dict:
    found = [m for m in document["models"] if m["target"] == f"{FAMILY}/{target}"]
    assert found, [s["reason"] for s in document["skipped"] if s["target"] == f"{FAMILY}/{target}"]
    return found[0]


def test_options_given_as_a_dict_of_the_parsers_defaults(report):
    built = model(report, "dict_options/enhancer.py::GridEnhancer")
    assert built["call"] == "GridEnhancer(params)"
    assert built["arguments_from"] == f"a dict of {FAMILY}/dict_options/train.py's argparse defaults"
    assert built["params"] == (3 * 16 + 16) + (16 + 1) + (3 * 9 * 16 + 16) + (16 * 9 * 16 + 16) + (16 * 12 + 12)


def test_options_dict_from_a_script_that_does_not_import(report):
    built = model(report, "dict_dunder/denoise_net.py::Denoiser")
    assert built["arguments_from"] == f"a dict of {FAMILY}/dict_dunder/run.py's argparse defaults"
    assert built["params"] == (9 * 24 + 24) + 3 * (24 * 9 * 24 + 24) + (24 * 9 + 1)  # width 24, depth 3


def test_a_literal_dict_passed_whole(report):
    built = model(report, "dict_literal/tagger.py::SequenceTagger")
    assert built["arguments_from"] == f"{FAMILY}/dict_literal/train_tagger.py:8"
    assert built["output_shape"] == [[1, 128, 9]]


def test_the_whole_configuration_besides_the_section(report):
    built = model(report, "whole_config/models/flow_enhancer.py::FlowEnhancer")
    assert built["arguments_from"] == (f"{FAMILY}/whole_config/confs/train_flow.yml, section network_G, "
                                       "opt the whole file")
    assert built["output_shape"] == [[1, 3, 512, 512]]  # scale 2
    assert built["params"] == (3 * 9 * 16 + 16) + 2 * (16 * 9 * 16 + 16) + (16 * 9 * 12 + 12)  # levels 2, not 3


def test_modules_built_with_other_project_modules(report):
    built = model(report, "project_modules/nets/depth.py::DepthNet")
    assert built["call"] == ("DepthNet(encoders.BackboneEncoder(backbones.tiny_resnet(pretrained=True)), "
                             "num_features=24, block_channel=[16, 32])")
    assert built["arguments_from"] == f"{FAMILY}/project_modules/demo.py:10"
    assert built["output_shape"] == [[1, 1, 256, 256]]


def test_a_size_computed_from_data_is_guessed_with_a_note(report):
    built = model(report, "module_arguments/classify.py::Classifier")
    assert built["arguments_from"] == (f"{FAMILY}/module_arguments/train.py:10, num_classes 10 guessed from "
                                       "parameter names in place of what the call computes")
    assert built["output_shape"] == [[1, 10]]


def test_a_torchvision_slice_and_a_decoder_of_the_models_file(report):
    built = model(report, "module_arguments/classify.py::StyleNet")
    assert built["call"] == "StyleNet(nn.Sequential(*list(tvm.vgg11().features.children())[:3]), Decoder(64))"
    assert built["output_shape"] == [[1, 3, 256, 256]]
