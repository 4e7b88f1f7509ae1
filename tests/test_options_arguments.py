"""A model whose constructor takes the project's options object (``def __init__(self, args):
n_feats = args.n_feats``) is built from the defaults of the project's own argparse parser:
a namespace a file leaves at its top level, a function returning a parser, an options class,
a ``__main__`` block's parser; the one defining what the constructor reads wins. An option
no parser defines is guessed by its name, a ``config`` dict read by key is a configuration of
guesses by its keys' names (README, "Constructor arguments").

The parsers are the project's as its scripts make them: with the options each model adds in
its ``modify_commandline_options(parser, is_train)`` (and those of the blocks it calls), the
options another of the project's extenders (a dataset's) adds when the model reads them, and
what the options class's ``parse()`` sets after parsing when that is pure (``opt.semantic_nc =
opt.label_nc + 1``, ``opt.gpu_ids = []``); an option the project changes with code netlint
does not run is named in the skip. Two copies of a project in one tree each use their own
``option.py``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, copy_of, linted_unchanged, model, netlint_json, run_netlint, skip_reason

PROJECT = REPO / "tests" / "options_project"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_of(tmp_path_factory, PROJECT)


@pytest.fixture(scope="module")
def report(project):
    document, proc = linted_unchanged(project)  # (options' parse() not run)
    assert proc.returncode == 1, proc.stderr  # Translator's biases before InstanceNorm
    return document


def test_module_level_parse_args_gives_the_options(report):
    srnet = model(report, "model/srnet.py::SRNet")
    assert srnet["call"] == "SRNet(args)"
    assert srnet["arguments_from"] == "option.py's argparse defaults"
    # option.py's defaults, with the namespace as the file left it (scale "2" split into [2]):
    # n_colors 3, n_feats 32 (not a guessed width), n_resblocks 4
    head, block, up, tail = 3 * 32 * 9 + 32, 2 * (32 * 32 * 9 + 32), 32 * 128 * 9 + 128, 32 * 3 * 9 + 3
    assert srnet["params"] == head + 4 * block + up + tail
    assert srnet["task"] == "image-to-image"
    assert srnet["output_shape"][0][2] == 2 * srnet["input_shape"][0][2]


def test_options_class_that_defines_every_attribute_read_wins(report):
    # BaseOptions lacks n_downsampling; TrainOptions(BaseOptions).initialize(parser) adds it
    translator = model(report, "model/translator.py::Translator")
    assert translator["call"] == "Translator(opt)"
    assert translator["arguments_from"] == "options/train_options.py's argparse defaults"
    ngf = 16  # options/base_options.py's default
    first = 3 * ngf * 49 + ngf
    assert translator["params"] > first and translator["input_shape"][0][1] == 3


def test_function_returning_a_parser_with_a_required_argument(report):
    decoder = model(report, "model/decoder.py::Decoder")
    assert decoder["call"] == "Decoder(hparams)"
    assert decoder["arguments_from"] == "tools/config.py's argparse defaults"
    assert decoder["input_shape"] == [[1, 48]]  # --latent_dim's default


def test_parser_of_a_main_block(report):
    mapper = model(report, "main.py::StyleMapper")
    assert mapper["arguments_from"] == "main.py's argparse defaults"
    assert mapper["input_shape"] == [[1, 16]] and mapper["output_shape"] == [[1, 64]]


def test_an_option_no_parser_defines_is_guessed_by_its_name(report):
    built = model(report, "model/attention_sr.py::AttentionSR")
    assert "args.attention_heads 4 guessed (by its name)" in built["arguments_from"]


def test_a_config_dict_read_by_key_is_a_configuration_of_guesses(report):
    built = model(report, "model/dict_net.py::DictNet")
    assert built["arguments_from"] == "a configuration guessed by the names of the keys the model reads"
    assert built["output_shape"] == [[1, 64, 256, 256]]  # in_channels 3, n_feats 64


def test_a_cfg_list_iterated_is_not_built_from_argparse(report):
    reason = skip_reason(report, "model/widths.py::WidthsNet")
    assert "no convention covers 'cfg'" in reason and "argparse" not in reason


@pytest.fixture(scope="module")
def text_report(project):
    """One text run: a file, and a factory of it named as a target."""
    proc = run_netlint("model/srnet.py", "model/srnet.py::make_model", cwd=project)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_report_says_where_the_options_come_from(text_report):
    assert "built as SRNet(args) (arguments from option.py's argparse defaults)" in text_report


def test_arguments_given_win_over_the_options(project):
    proc = run_netlint("model/decoder.py::Decoder(None)", cwd=project)
    assert proc.returncode == 2  # what the user gave that does not build is an error
    assert "Traceback" not in proc.stderr and "Decoder(None)" in proc.stderr


def test_options_read_through_the_base_constructor(report):
    # SRNetLite(opt) reads nothing itself: super().__init__(opt) reads option.py's options
    lite = model(report, "model/srnet_lite.py::SRNetLite")
    assert lite["arguments_from"] == "option.py's argparse defaults"
    assert lite["notes"] == []  # no other parser tried first
    assert lite["params"] == model(report, "model/srnet.py::SRNet")["params"]


def test_a_factory_taking_the_options(text_report):
    # def make_model(args, parent=False): return SRNet(args)
    assert "built as make_model(args) (arguments from option.py's argparse defaults)" in text_report


def test_options_class_holding_its_parser(report):
    # HDOptions: self.parser made in __init__, filled by initialize(self); its parse() writes
    # a checkpoints folder and is never run (the report fixture checks the tree is unchanged)
    enhancer = model(report, "model/enhancer.py::Enhancer")
    assert enhancer["arguments_from"] == "options/hd_options.py's argparse defaults"
    ngf = 8  # --ngf_local's default
    assert enhancer["params"] == (3 * ngf * 9 + ngf) + (ngf * ngf * 9 + ngf) + (ngf * 3 * 9 + 3)


def test_from_outside_the_project_the_layers_keep_their_lines(project):
    # linted by its path from outside the project: the options found, the layers at their lines
    document, proc = netlint_json("project/model/translator.py", cwd=project.parent)
    assert proc.returncode == 1, proc.stderr
    translator = document["models"][0]
    assert translator["arguments_from"] == "project/options/train_options.py's argparse defaults"
    lines = sorted(f["line"] for f in document["findings"] if f["code"] == "NL102")
    assert lines == [9, 11, 13]


def test_a_parameter_annotated_namespace_is_options(report):
    head = model(report, "model/head.py::Head")
    assert head["call"] == "Head(settings)"
    assert head["arguments_from"] == "option.py's argparse defaults"  # is_train is set, not read
    assert head["params"] == (3 * 32 * 9 + 32) + (32 * 3 + 3)


def test_a_file_whose_parse_args_exits_for_a_required_argument(report):
    # tools/eval_opts.py: args = parser.parse_args() with --checkpoint required ends its import;
    # its parser statements alone give the other defaults
    refiner = model(report, "model/refiner.py::Refiner")
    assert refiner["arguments_from"] == "tools/eval_opts.py's argparse defaults"
    width = 24
    assert refiner["params"] == (3 * width * 9 + width) + 3 * (width * width * 9 + width) + (width * 3 * 9 + 3)


def test_the_models_own_options_and_what_parse_sets(report):
    # LabelGenerator.modify_commandline_options adds --n_blocks 3 and sets gan_ngf to 12 (8 in
    # GANOptions); GANOptions.parse() sets semantic_nc = label_nc + 1 = 6, gpu_ids "0" -> []
    # (with "0" the model would move itself to a GPU), isTrain; its makedirs is never run
    generator = model(report, "model/label_gen.py::LabelGenerator")
    assert generator["arguments_from"] == ("options/gan_options.py's argparse defaults with the options of "
                                           "LabelGenerator.modify_commandline_options")
    ngf, semantic_nc = 12, 6
    assert generator["input_shape"][0][1] == semantic_nc
    assert generator["params"] == (semantic_nc * ngf * 9 + ngf) + 3 * (ngf * ngf * 9 + ngf) + (ngf * 3 * 9 + 3)
    assert generator["task"] == "image-to-image"


def test_options_a_classmethod_adds_with_its_blocks(report):
    # MultiscaleDiscriminator's classmethod adds --num_D 2 and calls PatchDiscriminator's
    # static method (--n_layers_D 2), read in a method its constructor calls
    discriminator = model(report, "model/multiscale.py::MultiscaleDiscriminator")
    assert "with the options of MultiscaleDiscriminator.modify_commandline_options" in discriminator["arguments_from"]
    single = (3 * 16 * 16 + 16) + (16 * 32 * 16 + 32) + (32 * 64 * 16 + 64) + (64 * 1 * 9 + 1)
    assert discriminator["params"] == 2 * single
    assert len(discriminator["output_shape"]) == 2
    assert not any(f["code"] in ("NL201", "NL202") and f["target"].endswith("MultiscaleDiscriminator")
                   for f in report["findings"])


def test_an_option_only_another_extender_adds(report):
    # crop_size: only the dataset's modify_commandline_options adds it (default 32)
    generator = model(report, "model/sized_gen.py::SizedGenerator")
    assert generator["arguments_from"] == ("options/gan_options.py's argparse defaults with the options of "
                                           "LabelDataset.modify_commandline_options")
    assert generator["output_shape"] == [[1, 8 * (32 // 8) ** 2]]


def test_an_option_the_project_changes_with_its_own_function_is_named(report):
    # --kernels "3,5" becomes a list in parse() through kernel_list(), a project function
    # netlint does not run: the skip says which option and which statement
    reason = skip_reason(report, "model/multi_kernel.py::MultiKernel")
    assert "kernels as parsed (opt.kernels = kernel_list(opt.kernels) is not run)" in reason
    assert not any(e.get("target", "").endswith("MultiKernel") for e in report["errors"])


def test_two_copies_of_a_project_each_use_their_own_options(tmp_path):
    # TrainCode/code and TestCode/code: the same module names (code.option, model.common),
    # --n_feats 16 and 8; TestCode's model uses a function only its own model/common.py has
    copy = tmp_path / "twins"
    shutil.copytree(REPO / "tests" / "options_twins", copy)
    document, proc = netlint_json(".", "-j", "1", cwd=copy)
    assert proc.returncode == 0, proc.stderr
    assert document["errors"] == [] and document["skipped"] == []
    for folder, feats in (("TrainCode", 16), ("TestCode", 8)):
        sr = model(document, f"{folder}/code/model/sr.py::SR")
        assert sr["arguments_from"] == f"{folder}/code/option.py's argparse defaults"
        assert sr["params"] == (3 * feats * 9 + feats) + (feats * 4 * feats * 9 + 4 * feats) + (feats * 3 * 9 + 3)
    # the options are read once per run for the project, not once per model: each option.py
    # counts its imports in the process, and the probe, built last of three models in one
    # worker, is as wide as the count
    assert model(document, "TrainCode/code/model/zprobe.py::Probe")["output_shape"] == [[1, 2]]


def test_options_of_a_child_parser_added_in_a_main_block(report):
    # train_lit.py's __main__: parser = LitNet.add_model_specific_args(parser), which makes a
    # child parser (parents=[parent_parser]) and adds --hidden_dim 40 in an argument group
    lit = model(report, "model/lit_net.py::LitNet")
    assert lit["arguments_from"].startswith("train_lit.py's argparse defaults")
    assert lit["params"] == (20 * 40 + 40) + (40 * 10 + 10)
