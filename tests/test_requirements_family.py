"""What the project needs that is not here, and its own top-level failures (issue 26, items 3
and 4): an installed library that fails to import for a module that is not installed, weights
files read with numpy or downloaded by the project's own cache code, a script's exit at import,
an op compiled at import by torch.utils.cpp_extension. tests/requirements_family holds one
folder per family, linted by one CLI run."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import run_netlint, tree

CASES = Path(__file__).resolve().parent / "requirements_family"


def line_of(file: str, text: str) -> int:
    lines = (CASES / file).read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


@pytest.fixture(scope="module")
def linted(tmp_path_factory) -> tuple[dict, str, Path]:
    """The families linted once, from a copy, with a home folder of its own."""
    root = tmp_path_factory.mktemp("requirements") / "project"
    shutil.copytree(CASES, root)
    home = root.parent / "home"
    home.mkdir()
    before = tree(root)
    env = {key: value for key, value in os.environ.items() if key != "TORCH_HOME"}
    proc = run_netlint(".", "--output-format", "json", "-v", "-j", "2", "--timeout", "300",
                       cwd=root, env={**env, "HOME": str(home)})
    assert proc.returncode == 2 and proc.stdout, proc.stderr
    assert tree(root) == before and not any(home.iterdir())  # nothing written, no ~/.torch cache
    return json.loads(proc.stdout), proc.stderr, root


def models(linted) -> dict[str, dict]:
    return {m["target"]: m for m in linted[0]["models"]}


def errors(linted) -> dict[str, dict]:
    return {e["target"]: e for e in linted[0]["errors"]}


# ------------------------------------------------ an installed module missing its own requirement

TENSORBOARD = ("torch.utils.tensorboard (installed but needs tensorboard, which is not installed: "
               "install the project's requirements)")
needs_no_tensorboard = pytest.mark.skipif(importlib.util.find_spec("tensorboard") is not None,
                                          reason="tensorboard is installed here")


@needs_no_tensorboard
def test_models_of_a_file_whose_logging_library_lacks_its_dependency_are_linted(linted):
    found = models(linted)
    for target in ("library_needs_missing/harmonizer.py::Harmonizer", "library_needs_missing/trainer_utils.py::Scorer"):
        assert found[target]["stand_ins"] == [TENSORBOARD], target
    assert found["library_needs_missing/harmonizer.py::Harmonizer"]["task"] == "image-to-image"
    assert found["library_needs_missing/trainer_utils.py::Scorer"]["params"] == 3 * 8 * 9 + 8 + 8 * 10 + 10


@needs_no_tensorboard
def test_a_model_that_uses_the_library_is_one_error_naming_what_it_needs(linted):
    error = errors(linted)["library_needs_missing/harmonizer.py::LoggedRefiner"]
    assert error["message"] == ("building LoggedRefiner failed: model uses torch.utils.tensorboard, which is installed "
                                "but needs tensorboard, which is not installed: install the project's requirements")
    assert (error["path"], error["line"]) == ("library_needs_missing/harmonizer.py",
                                              line_of("library_needs_missing/harmonizer.py", 'SummaryWriter("runs")'))


# ------------------------------------------------ weights files that are not there

@pytest.mark.parametrize("net, weights", [("ProposalNet", "pnet.npy"), ("RefineNet", "rnet.npy"),
                                          ("OutputNet", "onet.npy")])
def test_numpy_weights_files_that_are_not_there_are_weights_requests(linted, net, weights):
    """``np.load(path, allow_pickle=True)[()]``, ``.item()``, ``.tolist()``: the dict they hold,
    read by parameter name or loaded as a state dict."""
    model = models(linted)[f"weights_files/detector_nets.py::{net}"]
    root = linted[2]
    assert model["weights_requested"] == [{"module": "", "weights": str(root / "weights_files" / "weights" / weights)}]


def test_the_projects_own_download_cache_is_a_weights_request_for_the_url(linted):
    model = models(linted)["weights_files/cached_download.py::Backbone"]
    assert model["weights_requested"] == [{"module": "features",
                                           "weights": "https://example.org/models/vgg_reducedfc.pth"}]
    assert model["params"] == 3 * 16 * 9 + 16 + 2 * 16 + 16 * 16 * 9 + 16


# ------------------------------------------------ a script's exit at import

def test_an_exit_at_import_is_a_skipped_statement_and_the_models_are_built(linted):
    model = models(linted)["exits_at_import/detector.py::BoxHead"]
    skipped = "netlint skipped it and the rest of the file ran"
    for file, text, why in [("exits_at_import/postprocess.py", "if torchvision.__version__", "sys.exit(-1)"),
                            ("exits_at_import/detector.py", "if torch.cuda.device_count() < 1", "a GPU is required"),
                            ("exits_at_import/detector.py", "if not torch.cuda.is_available()", "sys.exit(1)"),
                            ("exits_at_import/detector.py", "if torch.cuda.device_count() == 0", "sys.exit()")]:
        note = (f"{file}:{line_of(file, text)}: this top-level statement failed when imported (it exits: {why}); "
                f"{skipped}")
        assert note in model["notes"], model["notes"]
    assert model["params"] == (3 * 32 * 9 + 32) + (32 * 64 * 9 + 64) + (64 * 84 * 9 + 84) + (64 * 16 * 9 + 16)
    # the name the exiting statement would have defined is a stand-in that says so
    assert model["stand_ins"] == ["postprocess.nms (not defined: exits_at_import/postprocess.py:"
                                  f"{line_of('exits_at_import/postprocess.py', 'if torchvision.__version__')} "
                                  "failed when imported (it exits: sys.exit(-1)))"]


# ------------------------------------------------ an op compiled at import

def test_an_op_compiled_at_import_is_a_stand_in_and_its_use_one_error_naming_it(linted):
    error = errors(linted)["extension_at_import/networks.py::StyleDiscriminator"]
    assert error["message"] == ("forward failed: model uses fused, which is the project's C++/CUDA extension, "
                                "compiled when imported by torch.utils.cpp_extension.load, which netlint does not "
                                "compile")
    assert (error["path"], error["line"]) == ("extension_at_import/op/fused_act.py", line_of(
        "extension_at_import/op/fused_act.py", "return fused.fused_bias_act("))


def test_a_model_of_the_same_project_that_does_not_use_the_op_is_linted(linted):
    model = models(linted)["extension_at_import/networks.py::PlainEncoder"]
    assert model["stand_ins"] == [] and model["params"] == 3 * 16 * 9 + 16 + 16 * 16 * 9 + 16
    skipped = {s["target"]: s["reason"] for s in linted[0]["skipped"]}
    assert skipped["extension_at_import/op/fused_act.py::FusedLeakyReLU"].startswith("a building block")
    assert "process" not in json.dumps(linted[0]["errors"])  # no compiler was started


# ------------------------------------------------ a GAN's two networks are roots, whatever holds them

def test_a_gan_pair_held_by_a_training_wrapper_or_an_encoder_model_is_two_roots(linted):
    found = models(linted)
    for target in ("gan_pairs/discriminator.py::Discriminator",  # held by the wrapper Model
                   "gan_pairs/generator.py::Generator",  # held by the same wrapper, beside the discriminator
                   "gan_pairs_encoder/stylegan.py::Generator",  # built inside Inverter; its file defines its D
                   "gan_pairs_encoder/stylegan.py::Discriminator"):
        assert target in found, target
    assert found["gan_pairs/discriminator.py::Discriminator"]["task"] != "image-to-image"


def test_blocks_of_a_multiscale_discriminator_and_an_encoder_stay_blocks(linted):
    skipped = {s["target"]: s["reason"] for s in linted[0]["skipped"] if not s["model"]}
    assert skipped["gan_pairs/discriminator.py::PatchScale"] == "a building block: MultiScaleDiscriminator builds it"
    assert skipped["gan_pairs_encoder/encoder_model.py::StyleEncoder"] == "a building block: Inverter builds it"
    assert not {f["code"] for f in linted[0]["findings"] if "Discriminator" in f["target"]} & {"NL201", "NL202"}


# ------------------------------------------------ a map estimator is a dense prediction, not an image maker

@pytest.mark.parametrize("net", ["NoiseEstimation", "NoiseLevelEst"])
def test_a_network_named_as_an_estimator_of_a_map_is_a_dense_prediction_and_nl201_is_quiet(linted, net):
    target = f"map_estimators/noise_nets.py::{net}"
    model = models(linted)[target]
    assert model["task"] == "segmentation" and f"{net} is named as an estimator of a per-pixel map" \
        in model["task_reason"]
    assert not [f for f in linted[0]["findings"] if f["target"] == target and f["code"] == "NL201"]


def test_the_denoiser_of_the_same_build_keeps_nl201(linted):
    target = "map_estimators/noise_nets.py::ResidualDenoiser"
    assert models(linted)[target]["task"] == "image-to-image"
    assert "NL201" in [f["code"] for f in linted[0]["findings"] if f["target"] == target]


# ------------------------------------------------ the project's own code, written for older versions

@pytest.mark.parametrize("net, text, why, failure", [
    ("ShuffleUnit", "self.conv1 = nn.Conv2d(in_planes, mid_planes",
     "it gives a layer a size that is a float (written for Python 2, where / of two integers is an integer)",
     "TypeError: empty(): argument 'size' (position 1) must be tuple of ints, but found element of type float at pos 0"),
    ("PositionalNet", "dtype=np.float)",
     "it uses a numpy alias of a builtin type (np.float, np.int, ...) that numpy 1.24 removed",
     "AttributeError: module 'numpy' has no attribute 'float'."),
])
def test_code_written_for_older_versions_is_one_plain_error_at_its_line(linted, net, text, why, failure):
    error = errors(linted)[f"older_code/shuffle.py::{net}"]
    assert error["message"] == f"building {net} failed in the project's code, whatever its arguments: {why}: {failure}"
    assert (error["path"], error["line"]) == ("older_code/shuffle.py", line_of("older_code/shuffle.py", text))
    assert "older_code/shuffle.py::TodaysNet" in models(linted)


# ------------------------------------------------ a missing toolbox's registry, logger and initialization

def test_registry_logger_and_weight_initialization_of_a_missing_toolbox_are_no_use_of_it(linted):
    model = models(linted)["missing_library_init/restoration_arch.py::TinyRestorer"]
    assert model["stand_ins"] == ["restoration_toolbox"] and model["task"] == "image-to-image"
    assert model["params"] == (3 * 16 * 9 + 16) + (16 * 16 * 9 + 16) + (16 * 3 * 9 + 3) + 16


def test_a_layer_of_the_missing_toolbox_is_one_error_naming_it(linted):
    error = errors(linted)["missing_library_init/restoration_arch.py::ToolboxDiscriminator"]
    assert error["message"] == ("building ToolboxDiscriminator failed: model uses restoration_toolbox, which is not "
                                "installed: install the project's requirements")
    assert error["line"] == line_of("missing_library_init/restoration_arch.py", "ConvLayer(3, 16")
