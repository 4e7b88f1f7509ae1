"""Models configured by the project's option and configuration files, zero-config from the
project's root (README, "Constructor arguments"):

- a section of a YAML or JSON file that names the class (BasicSR's ``network_g: {type: Net,
  ...}`` with ``@ARCH_REGISTRY.register()``, a registry key of its own, KAIR's ``"net_type":
  "key"`` chosen by an ``if`` branch): the rest of the section is its keyword arguments, those
  it does not take dropped unless it takes ``**kwargs``; the training options before the
  test options; also when the class's defaults do not build;
- a yacs defaults module (``_C = CN(); _C.MODEL.WIDTH = 16``), an EasyDict configuration
  module (``from config import cfg``, easydict not installed) and ml_collections functions
  (``def get_small_config(): config = ConfigDict(); ...; return config``, not installed) read
  as the project's Python defaults, without running what reads the machine; a configuration
  for testing (``get_testing()``) comes last, and the next best is tried when one does not
  build;
- an option only a script adds to the parser a project function returns (``parser =
  get_arguments(); parser.add_argument('--train_mode', ...)``), or that a function the script
  gives the parsed options to sets (``opt = functions.post_config(opt)``: its pure statements).

Segmentation and classification models, discriminators: quiet."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, netlint_json

FAMILY = REPO / "tests" / "config_family"


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def lint(tmp_path_factory, name: str) -> dict:
    project = tmp_path_factory.mktemp(name) / name
    shutil.copytree(FAMILY / name, project)
    before = tree(project)
    document, proc = netlint_json(".", cwd=project)
    assert proc.returncode == 0, proc.stderr  # every model quiet
    assert tree(project) == before  # nothing written into the project
    assert document["errors"] == [], document["errors"]
    return document


def model(document: dict, target: str) -> dict:
    found = [m for m in document["models"] if m["target"] == target]
    assert found, (document["skipped"], document["errors"])
    return found[0]


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> dict:
    return lint(tmp_path_factory, "registry_project")


def test_the_training_section_that_names_the_class_gives_its_arguments(registry):
    # options/train/ before options/test/ (num_feat 24 there); window_size, not a parameter, dropped
    sr = model(registry, "srlib/archs/rdn_arch.py::ResidualDenseSR")
    assert sr["call"] == "ResidualDenseSR(num_in_ch=3, num_out_ch=3, num_feat=16, num_block=2, upscale=4)"
    assert sr["arguments_from"] == "options/train/train_ResidualDenseSR_x4.yml, section network_g"
    f, n = 16, 2
    dense = sum(f * (i + 1) * f * 9 + f for i in range(n))
    assert sr["params"] == (3 * f * 9 + f) + dense + (f * (n + 1) * f + f) + (f * 48 * 9 + 48)
    assert sr["task"] == "image-to-image"


def test_a_class_registered_under_a_key_of_its_own(registry):
    discriminator = model(registry, "srlib/archs/discriminator_arch.py::PatchDiscriminator")
    assert discriminator["call"] == "PatchDiscriminator(num_in_ch=3, num_feat=8)"
    assert discriminator["arguments_from"] == "options/train/train_ResidualDenseSR_x4.yml, section network_d"


def test_defaults_that_do_not_build_then_the_configured_call(registry):
    enhancer = model(registry, "srlib/archs/grouped_arch.py::GroupedEnhancer")
    assert enhancer["call"] == "GroupedEnhancer(in_channels=3, out_channels=3, n_feat=32, groups=4)"
    assert enhancer["arguments_from"] == "options/train/train_GroupedEnhancer.yml, section network_g"


def test_a_json_key_a_branch_selects_and_kwargs_keep_every_key(registry):
    window = model(registry, "srlib/archs/window_arch.py::TinyWindowNet")
    assert window["call"] == "TinyWindowNet(in_chans=3, embed_dim=12, upscale=2, window_size=8)"
    assert window["arguments_from"] == "options/train_tinyswin.json, section netG"


def test_registry_models_are_quiet(registry):
    assert registry["findings"] == []
    assert {m["class"] for m in registry["models"]} == {"ResidualDenseSR", "PatchDiscriminator",
                                                        "GroupedEnhancer", "TinyWindowNet"}


def test_yacs_defaults_module(tmp_path_factory):
    document = lint(tmp_path_factory, "yacs_project")
    segmentation = model(document, "lib/models/seg_net.py::SegNet")
    assert segmentation["call"] == "SegNet(config)"
    assert segmentation["arguments_from"] == "lib/config/default.py's _C"
    assert segmentation["task"] == "segmentation"
    assert segmentation["output_shape"] == [[1, 19, 256, 256]]  # _C.MODEL.NUM_CLASSES
    w = 16  # _C.MODEL.WIDTH; EXTRA.WIDTHS = [w, 2w] computed from it
    stage = lambda cin, cout: cin * cout * 9 + 2 * cout  # noqa: E731
    assert segmentation["params"] == stage(3, w) + stage(w, w) + stage(w, 2 * w) + (2 * w * 19 + 19)
    assert document["findings"] == []  # BatchNorm in a segmentation network: quiet


@pytest.fixture(scope="module")
def python_configs(tmp_path_factory) -> dict:
    return lint(tmp_path_factory, "python_configs")


def test_easydict_configuration_module_not_installed(python_configs):
    classifier = model(python_configs, "net.py::Classifier")
    assert classifier["arguments_from"] == "config.py's cfg"
    assert classifier["task"] == "classification"
    assert classifier["output_shape"] == [[1, 5]]  # __C.NET.NUM_CLASSES
    assert "easydict" in classifier["stand_ins"]


def test_configuration_functions_not_for_testing(python_configs):
    transformer = model(python_configs, "tokens.py::TokenClassifier")
    assert transformer["arguments_from"] == "configs.py's get_deep_config()"  # get_testing() is shorter
    hidden, layers = 32, 4  # get_small_config()'s 2 layers, doubled
    layer = (3 * hidden * hidden + 3 * hidden) + (hidden * hidden + hidden) + (hidden * 2 * hidden + 2 * hidden) \
        + (2 * hidden * hidden + hidden) + 4 * hidden
    assert transformer["params"] == layers * layer + (3 * hidden * 64 + hidden) + 2 * hidden + (hidden * 10 + 10)
    assert python_configs["findings"] == []


def test_the_next_configuration_when_the_best_does_not_build(python_configs):
    mixer = model(python_configs, "mixer.py::HeadMixer")
    assert mixer["arguments_from"] == "mixer_configs.py's get_base_config()"
    assert any("get_a_config()) does not build" in note and "divisible" in note for note in mixer["notes"])
    width = 12
    assert mixer["params"] == (3 * width * 16 + width) + (4 * width * width + 4 * width) + (width * 3 + 3)


def test_an_option_a_script_adds_to_the_projects_parser(tmp_path_factory):
    document = lint(tmp_path_factory, "script_options")
    generator = model(document, "stage/models.py::GrowingGenerator")
    assert generator["arguments_from"] == "train.py's argparse defaults"
    nfc = 16  # nc_im = 3 from post_config(opt); train_mode 'generation': 3 layers
    assert generator["input_shape"] == [[1, 3, 256, 256]]
    assert generator["params"] == (3 * nfc * 9 + nfc) + 3 * (nfc * nfc * 9 + nfc) + (nfc * 3 * 9 + 3)
    refiner = model(document, "stage/models.py::Refiner")  # helpers.make_parser() in evaluate.py
    assert refiner["arguments_from"] == "evaluate.py's argparse defaults"
    assert refiner["params"] == 2 * (3 * 3 * 9 + 3)
