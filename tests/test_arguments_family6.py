"""Constructor arguments the project's code gives, zero-config (README, "Constructor
arguments"), on tests/arguments_family6, linted in one run:

- extensionless_scripts: the project's scripts without ``.py`` (``train`` with a ``#!`` line,
  written for Python 2; ``evaluate`` without one, importing torch) are project code: their
  calls build the model, with the script's argparse defaults; a text file is not read as code;
- yaml_sections, json_sections: a call whose keyword arguments are sections of a loaded
  configuration (``Net(**config['model']['detector'], **config['model']['common'])`` after
  ``config = yaml.load(f)``, a section held in a variable, ``**cfg['network']`` in a function
  given the configuration, ``**cfg.encoder`` of an ``EasyDict(json.load(...))``) takes them from
  the project's file that has every section, merged, the training file before the test one;
- options_set_by_script: attributes no parser defines that the script sets on the parsed
  options (``args.device = torch.device(...)``, ``args.use_cuda = torch.cuda.is_available()``)
  are the CPU, said so; any other (``args.palette = read_palette(...)``) is named with its
  statement in the skip reason;
- factory_lists: a class with an options parameter that a factory builds with values it makes
  (``hint_list = []``, a constant count) and the options object: those values as the factory
  passes them, the options from the argparse defaults, the rest guessed;
- stored_names: a string parameter the constructor keeps on ``self`` and tests in its methods
  (``if self.merge_mode == 'sum':`` in ``forward``, in a method the constructor calls) takes a
  name the class accepts;
- called_defaults: a parameter whose default None the constructor calls whatever it is
  (``nl_layer()``) is given the layer its name says; one it tests or replaces first
  (``norm_layer or nn.BatchNorm2d``, ``if act is None``) keeps its default;
- factory_elsewhere: a factory of another file that needs arguments (``create_multi_head
  (num_classes)`` in builders.py, which imports the class by its module's name) is called with
  them guessed by meaning, and what it returns is the class; a call whose list argument holds
  an object the model's file builds (``[Tap(1, 'relu'), 2]``, a namedtuple) is evaluated in the
  model's module, never a crash;
- parsed_elsewhere: ``args = utils.parse_command()`` (a project function of another file that
  returns what its parser parses) gives that parser's defaults to ``args.head``; an ``else``
  branch does not see what its ``if`` branch assigned (``args = checkpoint['args']``); an
  argument that is not a constant and whose parameter has no default
  (``loader.dataset.output_size``) is guessed by meaning;
- factory_config: a factory that needs a configuration it reads by attribute
  (``get_pose_net(cfg, is_train)`` with ``cfg.MODEL.NUM_LAYERS``) takes the project's
  configuration object (an EasyDict module), a training flag False;
- scale_spellings: every spelling of a scale factor (``upsample_factor``, ``zoom``,
  ``sr_factor``, ``up_scale``) is guessed as one.

Nothing here has a finding: the run exits 0."""

from __future__ import annotations

import pytest

from conftest import shared_run

FAMILY = "tests/arguments_family6"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    document, proc = shared_run(tmp_path_factory, "arguments-family6", FAMILY, "-j", "2", "--timeout", "300")
    assert document["errors"] == [], document["errors"]
    assert document["findings"] == [], document["findings"]
    assert proc.returncode == 0, proc.stderr
    return document


def model(document: dict, target: str) -> dict:
    found = [m for m in document["models"] if m["target"] == f"{FAMILY}/{target}"]
    assert found, [s["reason"] for s in document["skipped"] if s["target"] == f"{FAMILY}/{target}"]
    return found[0]


def test_a_python2_script_without_extension_builds_the_model(report):
    built = model(report, "extensionless_scripts/nets.py::SuperResolver")
    assert built["call"] == "SuperResolver(6, 4)"  # 4: the script's argparse default for opt.factor
    assert built["arguments_from"] == f"{FAMILY}/extensionless_scripts/train:20"


def test_a_script_without_extension_or_shebang_that_imports_torch(report):
    built = model(report, "extensionless_scripts/nets.py::Refiner")
    assert built["call"] == "Refiner(2, 3)"
    assert built["arguments_from"] == f"{FAMILY}/extensionless_scripts/evaluate:5"


@pytest.mark.parametrize(("target", "call"), [
    ("UpsampleFactorNet", "UpsampleFactorNet(n_resblocks=2, upsample_factor=2)"),
    ("ZoomNet", "ZoomNet(zoom=2)"),
    ("SrFactorNet", "SrFactorNet(sr_factor=2, up_scale=2)"),
])
def test_every_spelling_of_a_scale_factor(report, target, call):
    built = model(report, f"scale_spellings/upsamplers.py::{target}")
    assert built["call"] == call
    assert built["task"] == "image-to-image"


def test_sections_of_a_loaded_yaml_merged_training_file_first(report):
    detector = model(report, "yaml_sections/nets/detector.py::PointDetector")
    assert detector["call"] == "PointDetector(width=8, temperature=0.1, in_channels=3, n_points=5)"
    assert detector["arguments_from"] == (f"{FAMILY}/yaml_sections/run.py:17 with {FAMILY}/yaml_sections/configs/"
                                          "train-small.yaml, sections model.detector and model.common")


def test_a_section_held_in_a_variable(report):
    generator = model(report, "yaml_sections/nets/generator.py::FrameGenerator")
    assert generator["call"] == "FrameGenerator(width=8, n_down=2, occlusion=True, in_channels=3, n_points=5)"
    assert generator["arguments_from"].endswith("sections model.generator and model.common")
    assert generator["task"] == "image-to-image"


@pytest.mark.parametrize(("target", "call", "line", "section"), [
    ("LabelHead", "LabelHead(n_labels=7, hidden=16)", 10, "network"),  # **cfg['network'], cfg a parameter
    ("StemEncoder", "StemEncoder(stem_width=8, expansion_steps=2)", 15, "encoder"),  # **cfg.encoder of an EasyDict
])
def test_sections_of_a_json_file_by_key_or_attribute(report, target, call, line, section):
    built = model(report, f"json_sections/models.py::{target}")
    assert built["call"] == call
    assert built["arguments_from"] == (f"{FAMILY}/json_sections/train.py:{line} with "
                                       f"{FAMILY}/json_sections/configs/base.json, section {section}")


def test_devices_the_script_sets_after_parsing_are_the_cpu(report):
    stylizer = model(report, "options_set_by_script/nets.py::Stylizer")
    assert stylizer["call"] == "Stylizer(args)"
    where = f"{FAMILY}/options_set_by_script/main.py"
    assert stylizer["arguments_from"] == (f"{where}'s argparse defaults, device and use_cuda the CPU "
                                          f"({where}:28 and {where}:31 set them after parsing)")


def test_an_option_the_script_computes_after_parsing_is_named(report):
    target = f"{FAMILY}/options_set_by_script/nets.py::Blender"
    reasons = [s["reason"] for s in report["skipped"] if s["target"] == target]
    assert len(reasons) == 1
    assert (f"reads palette of its options 'args', which no argparse parser of the project defines (the closest: "
            f"{FAMILY}/options_set_by_script/main.py's); {FAMILY}/options_set_by_script/main.py:32 sets "
            "args.palette = read_palette(args.palette_file) after parsing, which netlint does not run") in reasons[0]


def test_a_factory_s_local_values_with_the_options_object(report):
    unet = model(report, "factory_lists/models/hinted_unet.py::HintedUnet")
    assert unet["call"] == "HintedUnet(opt, num_downs=3, hint_list=[], input_nc=3, output_nc=3)"
    assert unet["arguments_from"] == (f"{FAMILY}/factory_lists/options/base_options.py's argparse defaults, "
                                      f"num_downs and hint_list as {FAMILY}/factory_lists/models/networks.py:18 "
                                      "passes them, the others guessed from parameter names")
    assert unet["task"] == "image-to-image"


@pytest.mark.parametrize(("target", "call", "line"), [
    ("MergingEncoder", "MergingEncoder(merge_mode='sum')", 15),  # tested in forward
    ("WidthByName", "WidthByName(variant='wide')", 31),  # tested in a method the constructor calls
])
def test_a_name_kept_on_self_and_tested_in_methods(report, target, call, line):
    built = model(report, f"stored_names/blocks.py::{target}")
    assert built["call"] == call
    parameter = call.partition("(")[2].partition("=")[0]
    assert built["arguments_from"] == (f"the names the constructor accepts ({FAMILY}/stored_names/blocks.py:{line}) "
                                       f"for {parameter} (the first)")


def test_a_none_default_the_constructor_calls_is_given_a_layer(report):
    encoder = model(report, "called_defaults/encoders.py::StyleEncoder")
    assert encoder["call"] == "StyleEncoder(input_nc=3, nl_layer=nn.ReLU)"
    assert encoder["arguments_from"] == "guessed from parameter names"


def test_a_none_default_replaced_before_its_call_keeps_its_default(report):
    encoder = model(report, "called_defaults/encoders.py::GuardedEncoder")
    assert encoder["call"] is None  # its defaults


def test_another_file_s_factory_that_needs_arguments(report):
    built = model(report, "factory_elsewhere/heads.py::MultiHead")
    assert built["call"] == "create_multi_head(num_classes=10)"
    assert built["arguments_from"] == f"{FAMILY}/factory_elsewhere/builders.py:6, guessed from parameter names"


def test_options_parsed_by_another_file_s_function(report):
    built = model(report, "parsed_elsewhere/nets.py::Regressor")
    assert built["call"] == "Regressor(3, head='wide', output_size=64)"
    assert built["arguments_from"] == (f"{FAMILY}/parsed_elsewhere/main.py:17, len('rgb') left at its default, "
                                       "output_size guessed from parameter names")


def test_a_list_argument_holding_an_object_of_the_model_s_file(report):
    built = model(report, "factory_elsewhere/heads.py::TappedHead")
    assert built["call"] == "create_tapped(num_classes=10)"
    assert built["arguments_from"] == f"{FAMILY}/factory_elsewhere/builders.py:13, guessed from parameter names"


def test_a_factory_given_the_project_s_configuration(report):
    built = model(report, "factory_config/lib/pose_net.py::PoseNet")
    assert built["call"] == "get_pose_net(cfg, is_train=False)"
    assert built["arguments_from"] == (f"{FAMILY}/factory_config/lib/pose_net.py:34, {FAMILY}/factory_config/lib/"
                                       "config.py's config, the others guessed from parameter names")
