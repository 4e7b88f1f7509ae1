"""Constructor arguments the project's code says how to give (issue 26), on
tests/arguments_family7, linted in one run:

- script_options: a factory that only passes its keywords on (``def grouped(**kwargs): return
  Net(**kwargs)``) is no call by itself; the class's parameters then take the defaults of the
  options of the same name of the project's scripts (``--cardinality``, ``--base-width`` for
  ``baseWidth``: names compared as snake_case words), of the scripts that import the model's
  module or package; a depth the constructor asserts on (``assert (depth - 4) % 6 == 0``) or
  divides into a count of blocks is tried only at values that pass (16, not the option's 11 or 4).
- options_none_default: an options parameter whose default is None that the constructor, or
  the blocks it builds, reads (``opt=None``, then ``opt.use_norm`` in a block) is given the
  project's options from its argparse defaults; one it tests first (``if opt is not None``)
  keeps its default, and a class that needs nothing else is tried with its defaults first; a
  parameter beside the options no convention covers (``skip``) takes the
  default of the option of its name (``--skip``).
- weights_on_disk: a project that checks its checkpoint is on disk (``os.path.exists``, else
  ``raise ValueError``) or makes its download folder first (``os.makedirs('./pretrained')``)
  sees the file there and the folder made, nothing written; the weights are a weights request.
- yacs_experiments: a yacs defaults module (``_C = CN(); _C.MODEL = CN(); ...``) with an
  experiment's YAML merged over it (``cfg.merge_from_file``), as the project's scripts do, is a
  configuration: a factory given it (``get_pose_net(cfg, is_train)``, reading
  ``cfg.MODEL.EXTRA.NUM_LAYERS``, which only the YAML has, and ``cfg.MODEL.INIT_WEIGHTS``, which
  only the defaults have) builds its class; the report names both.
- logging_at_import: a logger set up at import with a log file the sandbox refuses
  (``logging.FileHandler('run_logs.txt', mode='w')`` in ``log = get_logger()``) discards its
  records: ``log`` is defined when the forward logs, and no file is written.

Nothing here has a finding: the run exits 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import shared_run

FAMILY = "tests/arguments_family7"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    document, proc = shared_run(tmp_path_factory, "arguments-family7", FAMILY, "-j", "2", "--timeout", "300")
    assert document["errors"] == [], document["errors"]
    assert document["findings"] == [], document["findings"]
    assert proc.returncode == 0, proc.stderr
    return document


def model(document: dict, target: str) -> dict:
    found = [m for m in document["models"] if m["target"] == f"{FAMILY}/{target}"]
    assert found, [s["reason"] for s in document["skipped"] if s["target"] == f"{FAMILY}/{target}"]
    return found[0]


def test_a_factory_that_only_passes_keywords_on_leaves_them_to_the_script_options(report):
    built = model(report, "script_options/nets/small/grouped.py::GroupedCifarNet")
    assert built["call"] == "GroupedCifarNet(cardinality=2, depth=11, num_classes=10)"
    script = f"{FAMILY}/script_options/train_small.py"
    assert built["arguments_from"] == (f"the default of {script}'s option cardinality for cardinality, the default "
                                       f"of {script}'s option depth for depth, the others guessed from parameter names")


def test_camel_case_parameters_take_the_options_of_the_script_importing_their_package(report):
    built = model(report, "script_options/nets/large/grouped.py::GroupedImageNet")
    assert built["call"] == "GroupedImageNet(layers=[1, 1], num_classes=100, baseWidth=2, cardinality=4)"
    assert f"{FAMILY}/script_options/train_large.py's option base_width for baseWidth" in built["arguments_from"]
    assert built["arguments_from"].startswith(f"{FAMILY}/script_options/nets/large/grouped.py:38, ")


def test_a_depth_is_tried_only_where_the_constructor_s_assertion_holds(report):
    built = model(report, "script_options/nets/small/wide.py::WideCifarNet")
    assert built["call"] == "WideCifarNet(depth=16, num_classes=10)"
    assert built["task"] == "classification"


def test_an_options_parameter_defaulting_to_none_that_its_blocks_read_gets_the_options(report):
    built = model(report, "options_none_default/models/networks.py::OptionalUnet")
    assert built["call"] == "OptionalUnet(opt, num_downs=5, input_nc=3, output_nc=3)"
    where = f"{FAMILY}/options_none_default"
    assert built["arguments_from"].startswith(f"{where}/options/base_options.py's argparse defaults, num_downs as "
                                              f"{where}/models/networks.py:76 passes them")
    assert built["task"] == "image-to-image"


def test_a_parameter_beside_the_options_takes_the_option_of_its_name(report):
    built = model(report, "options_none_default/models/networks.py::ResizeGenerator")
    assert built["call"] == "ResizeGenerator(opt, skip=0.5)"
    options = f"{FAMILY}/options_none_default/options/base_options.py"
    assert built["arguments_from"] == f"{options}'s argparse defaults, skip as the options give it"


@pytest.mark.parametrize("target", ["GuardedNet", "CopingNet"])  # tested in the constructor; in its block
def test_an_options_parameter_tested_against_none_keeps_its_default(report, target):
    built = model(report, f"options_none_default/models/networks.py::{target}")
    assert built["call"] is None


def test_a_class_needing_nothing_else_gets_the_options_when_its_defaults_fail(report):
    built = model(report, "options_none_default/models/networks.py::OptionsOnlyNet")
    assert built["call"] == "OptionsOnlyNet(opt)"
    assert built["arguments_from"] == f"{FAMILY}/options_none_default/options/base_options.py's argparse defaults"


@pytest.mark.parametrize(("target", "weights"), [
    ("CheckedSegmenter", "./pretrained/tiny_backbone.pth"),  # exists? else ValueError
    ("CachedSegmenter", "./pretrained/tiny_backbone-1a2b3c.pth"),  # makedirs, then the cached file
])
def test_a_checkpoint_the_project_checks_or_caches_is_a_weights_request(report, target, weights):
    built = model(report, f"weights_on_disk/segmenters.py::{target}")
    assert built["call"] == f"{target}(num_classes=10)"
    assert built["weights_requested"] == [{"module": "backbone", "weights": weights}]
    assert built["task"] == "segmentation"
    repository = Path(__file__).resolve().parent.parent
    assert not (repository / "pretrained").exists()
    assert not (repository / FAMILY / "weights_on_disk" / "pretrained").exists()


def test_an_experiment_s_yaml_merged_over_the_yacs_defaults(report):
    built = model(report, "yacs_experiments/lib/models/tiny_pose.py::TinyPoseNet")
    where = f"{FAMILY}/yacs_experiments"
    assert built["call"] == "get_pose_net(cfg, is_train=False)"
    assert built["arguments_from"] == (f"{where}/lib/models/tiny_pose.py:35, {where}/experiments/coco/tiny_d8.yaml "
                                       f"over {where}/lib/config/default.py's _C, "
                                       "the others guessed from parameter names")
    assert built["params"] == (3 * 8 * 9) + 16 + 2 * (8 * 8 * 9 + 8) + (8 * 8 * 16 + 8) + (8 * 5 + 5)


def test_a_logger_set_up_at_import_with_a_refused_file_is_defined(report):
    built = model(report, "logging_at_import/stylizer.py::LoggedEncoder")
    assert built["task"] == "image-to-image"
    repository = Path(__file__).resolve().parent.parent
    assert not list(repository.glob("**/run_logs.txt"))
