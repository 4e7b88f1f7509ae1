"""Constructor arguments the project's configuration and code give, zero-config (README,
"Constructor arguments"), on tests/arguments_family5, linted in one run:

- factory_kinds: a Hydra-style section names the class by a key netlint does not know
  (``kind: big_resnet``), read by the project's factory (an ``if kind == ...`` chain, a table
  ``{'patch_multi': MultiPatchDiscriminator}``); nested sections pass as dicts and the group's
  own references (``${generator.conv_kwargs.ratio}``) resolve, the group's own file before an
  experiment's override; a section named by nothing whose keys are a class's parameters is its
  argument set; a section that names another class is not;
- accepted_names: a string parameter the constructor checks against names (``assert backbone
  in [...]``, ``if encoder_name == 'tiny'``), also through ``super().__init__(backbone, ...)``:
  a name it accepts, the project's scripts' default first;
- registry_specs: a registry spec ``{name: implicit-sr, args: {encoder_spec: {name: ..., args:
  {...}}}}`` gives its ``args``, the nested specs as they are, for the project's ``make(spec)``;
- stored_options: options a constructor keeps on ``self`` (``self.opts = opts``, a setter
  ``self.set_opts(opts)``) and reads there and in the methods it calls, filled from the
  project's options class whose constructor calls its ``initialize()`` (the attributes the
  class sets itself, ``self.opts.n_styles = ...``, are not asked of a parser); a script's
  ``args.start_iter`` passed to the model is its argparse default (``args = parser.parse_args()``).

Segmentation models, discriminators, InstanceNorm generators: quiet."""

from __future__ import annotations

import pytest

from conftest import shared_run

FAMILY = "tests/arguments_family5"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    document, proc = shared_run(tmp_path_factory, "arguments-family5", FAMILY, "-j", "2", "--timeout", "300")
    assert proc.returncode == 0, proc.stderr  # matting is a dense prediction: its BatchNorm is no NL201
    assert document["findings"] == []
    assert document["errors"] == [], document["errors"]
    return document


def model(document: dict, target: str) -> dict:
    found = [m for m in document["models"] if m["target"] == f"{FAMILY}/{target}"]
    assert found, [s["reason"] for s in document["skipped"] if s["target"] == f"{FAMILY}/{target}"]
    return found[0]


def codes(document: dict, target: str) -> list[str]:
    return sorted(f["code"] for f in document["findings"] if f["target"] == f"{FAMILY}/{target}")


def test_a_section_named_by_a_key_the_factory_reads(report):
    generator = model(report, "factory_kinds/nets/generators.py::BigResNetGenerator")
    assert generator["call"] == ("BigResNetGenerator(in_ch=4, out_ch=3, width=8, blocks=2, "
                                 "conv_kwargs={'ratio': 0.5, 'groups': 1}, down_kwargs={'ratio': 0.5})")
    assert generator["arguments_from"] == f"{FAMILY}/factory_kinds/configs/generator/big.yaml"
    assert generator["task"] == "image-to-image"


def test_each_class_takes_the_section_that_names_it(report):
    plain = model(report, "factory_kinds/nets/generators.py::PlainGenerator")
    assert plain["call"] == "PlainGenerator(in_ch=3, out_ch=3, width=12)"
    assert plain["arguments_from"] == f"{FAMILY}/factory_kinds/configs/generator/plain.yaml"


def test_a_key_of_the_factory_table_names_the_class(report):
    discriminator = model(report, "factory_kinds/nets/discriminators.py::MultiPatchDiscriminator")
    assert discriminator["call"] == "MultiPatchDiscriminator(in_ch=3, layer_cfg={'widths': [8, 16], 'kernel': 4})"
    assert discriminator["arguments_from"] == f"{FAMILY}/factory_kinds/configs/discriminator/patch.yaml"
    assert codes(report, "factory_kinds/nets/discriminators.py::MultiPatchDiscriminator") == []


def test_a_section_whose_keys_are_the_parameters(report):
    segmenter = model(report, "factory_kinds/nets/segmenter.py::StagedSegmenter")
    assert segmenter["call"] == "StagedSegmenter(in_ch=3, stage_widths=[8, 16], classes=5)"
    assert segmenter["arguments_from"] == (f"{FAMILY}/factory_kinds/configs/segmenter/small.yaml, section model, "
                                           "its keys the constructor's parameters")
    assert codes(report, "factory_kinds/nets/segmenter.py::StagedSegmenter") == []


def test_a_section_that_names_another_class_is_not_the_arguments(report):
    refiner = model(report, "factory_kinds/nets/generators.py::Refiner")  # plain.yaml's keys fit it too
    assert refiner["call"] == "Refiner(in_ch=3, out_ch=3)"
    assert refiner["arguments_from"] == "guessed from parameter names"


def test_a_name_the_constructor_accepts_the_scripts_default_first(report):
    # train.py's --model-backbone is required; export.py's default is resnet101
    matting = model(report, "accepted_names/model/matting.py::CoarseMatting")
    assert matting["call"] == "CoarseMatting(backbone='resnet101')"
    assert matting["arguments_from"].startswith(
        f"the names the constructor accepts ({FAMILY}/accepted_names/model/matting.py:10) for backbone")
    assert codes(report, "accepted_names/model/matting.py::CoarseMatting") == []
    core = model(report, "accepted_names/model/matting.py::MattingCore")
    assert core["call"].startswith("MattingCore(backbone='resnet101', ")


def test_a_name_an_if_chain_accepts_in_the_code_order(report):
    segmenter = model(report, "accepted_names/model/segmenter.py::NamedSegmenter")
    assert segmenter["call"] == "NamedSegmenter(encoder_name='tiny')"
    assert segmenter["task"] != "image-to-image"
    assert codes(report, "accepted_names/model/segmenter.py::NamedSegmenter") == []


def test_options_kept_on_self_from_the_options_class_that_knows_them(report):
    style = model(report, "stored_options/models/style_net.py::StyleNet")
    assert style["call"] == "StyleNet(opts)"
    assert style["arguments_from"] == f"{FAMILY}/stored_options/options/train_options.py's argparse defaults"
    # output_size 64 (its default): log2(64) * 2 - 2 styles; width 16: a 16-channel encoder
    assert style["params"] == (3 * 16 * 9 + 16) + 1 + (16 * 32 * 9 + 32) + (32 * 3 * 9 + 3)
    restorer = model(report, "stored_options/models/style_net.py::Restorer")
    assert restorer["call"] == "Restorer(args)"
    assert restorer["arguments_from"] == f"{FAMILY}/stored_options/options/train_options.py's argparse defaults"


def test_a_registry_spec_gives_its_args(report):
    implicit = model(report, "registry_specs/models/implicit.py::ImplicitSR")
    assert implicit["arguments_from"] == f"{FAMILY}/registry_specs/configs/train/train_implicit.yaml, section model"
    # the encoder of the nested spec (8 features, 2 blocks), the MLP given the encoder's width
    encoder = (3 * 8 * 9 + 8) + 2 * (8 * 8 * 9 + 8)
    assert implicit["params"] == encoder + (8 * 16 + 16) + (16 * 16 + 16) + (16 * 3 + 3)


def test_an_option_a_script_passes_is_its_argparse_default(report):
    transfer = model(report, "stored_options/models/transfer.py::TransferNet")
    assert transfer["call"] == "TransferNet(encoder, Decoder(8), 0)"
    assert transfer["arguments_from"] == f"{FAMILY}/stored_options/train.py:11"
