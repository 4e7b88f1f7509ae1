"""Models lost at import or build time for reasons about loading, through the real CLI on
tests/loading/project (with tests/loading/site, an installed zoo, on PYTHONPATH):

- classes the ast scan cannot tell are nn.Modules (another library's base) are checked once
  their file is imported: each is analyzed, a building block, or, on a stand-in base, an
  error or a class netlint cannot judge; a file with such a class is imported for it;
- a submodule or a name that the installed version of a package lacks gets a stand-in (the
  report says "not in the installed timm X"), and a model that uses it is one error naming it;
- a name of the project's own module that a failed statement left undefined gets a stand-in
  saying which statement failed; a name the module never defines stays an import error."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import timm

from conftest import run_netlint

CASES = Path(__file__).resolve().parent / "loading"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("loading") / "cases"
    shutil.copytree(CASES, root, ignore=shutil.ignore_patterns("checkpoints"))  # (test_missing_checkpoints.py's)
    return root / "project", {**os.environ, "PYTHONPATH": str(root / "site")}


@pytest.fixture(scope="module")
def linted(project) -> dict:
    root, env = project
    proc = run_netlint(".", "--output-format", "json", "-j", "2", cwd=root, env=env)
    assert proc.returncode == 2 and proc.stdout, proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)


def outcome(report: dict, target: str) -> tuple[str, str]:
    """How the report treats a class: ("model", ""), ("error", message), ("skipped"/"not a root", reason)."""
    if any(m["target"] == target for m in report["models"]):
        return "model", ""
    for error in report["errors"]:
        if error["target"] == target:
            return "error", error["message"]
    for skip in report["skipped"]:
        if skip["target"] == target:
            return ("skipped" if skip["model"] else "not a root"), skip["reason"]
    return "missing", ""


def line_of(root: Path, file: str, text: str) -> int:
    return next(n for n, line in enumerate((root / file).read_text().splitlines(), 1) if text in line)


def test_subclasses_of_other_libraries_models_are_analyzed(linted):
    # zoo_subclasses.py has no class the scan can judge: it is imported to learn what they are
    for target in ("zoo_subclasses.py::Restorer",  # segmentation_models_pytorch's Unet
                   "zoo_subclasses.py::TinyEfficientNet",  # efficientnet_pytorch's, imported under an alias
                   "zoo_subclasses.py::Classifier",  # an installed zoo's base class (PYTHONPATH)
                   "mixed.py::OnZoo"):  # in a file imported for another model anyway
        assert outcome(linted, target) == ("model", ""), target
    classifier = next(m for m in linted["models"] if m["target"] == "zoo_subclasses.py::Classifier")
    assert classifier["params"] == (3 * 8 * 9 + 8) + (8 * 8 * 9 + 8) + (8 * 8 + 8) + (8 * 5 + 5)
    assert outcome(linted, "zoo_subclasses.py::Head") == ("not a root", "a building block: Classifier builds it")


def test_a_class_on_a_stand_in_base_is_an_error_or_said_to_be_unknown(linted):
    kind, message = outcome(linted, "senet_encoder.py::SEEncoder")
    assert kind == "error" and message == (
        "its base pretrainedmodels.models.senet.SENet is a stand-in: model uses pretrainedmodels, which is not "
        "installed: install the project's requirements")
    kind, reason = outcome(linted, "senet_encoder.py::SEMixin")  # no forward of its own: maybe not a model at all
    assert kind == "not a root" and "netlint cannot tell whether it is an nn.Module" in reason
    assert outcome(linted, "senet_encoder.py::Fine") == ("model", "")


def test_a_class_the_scan_listed_that_is_no_module_once_imported_says_why(linted):
    kind, message = outcome(linted, "llm_heads.py::TinyForCausalLM")
    assert kind == "error" and message == (
        "its base transformers.PreTrainedModel is a stand-in: model uses transformers, which is not installed: "
        "install the project's requirements")
    kind, reason = outcome(linted, "llm_heads.py::TinyPreTrainedModel")
    assert kind == "not a root" and reason.endswith("netlint cannot tell whether it is an nn.Module")


def test_classes_that_are_not_modules_are_not_reported_and_a_data_file_that_fails_is_no_error(linted):
    targets = {e["target"] for group in ("models", "errors", "skipped") for e in linted[group]}
    assert "zoo_subclasses.py::SettingsLoader" not in targets  # a yaml Loader: not an nn.Module
    assert not any(e["target"].startswith("transforms.py") for e in linted["errors"])
    kind, reason = outcome(linted, "transforms.py::AugmentLoader")
    assert kind == "not a root" and reason.startswith("its file did not import (ImportError: cannot import name "
                                                      "'AUGMENT_LABELS' from 'data.labels'")


def test_a_submodule_or_name_the_installed_package_lacks_gets_a_stand_in(linted, project):
    root, _ = project
    mixer = next(m for m in linted["models"] if m["target"] == "legacy_timm.py::Mixer")
    installed = f"not in the installed timm {timm.__version__}"
    assert [s for s in mixer["stand_ins"] if s.startswith("timm.")] == [
        f"timm.models.layers.create_attn_legacy ({installed})", f"timm.models.layers.helpers ({installed})"]
    # the guarded import of timm.models.efficientnet_blocks takes its fallback: no stand-in
    assert not any("efficientnet_blocks" in s for s in mixer["stand_ins"])
    errors = {e["target"]: (e["line"], e["message"]) for e in linted["errors"]}
    assert errors["legacy_timm.py::PatchEmbed"] == (
        line_of(root, "legacy_timm.py", "to_2tuple(patch_size)"),
        f"building PatchEmbed failed: model uses timm.models.layers.helpers, which is {installed}")
    assert errors["legacy_timm.py::Attention"] == (
        line_of(root, "legacy_timm.py", 'create_attn_legacy("se"'),
        f"building Attention failed: model uses timm.models.layers.create_attn_legacy, which is {installed}")


def test_a_name_a_failed_statement_left_undefined_is_stood_in_for(linted, project):
    root, _ = project
    detector = next(m for m in linted["models"] if m["target"] == "detector.py::Detector")
    line = line_of(root, "data/labels.py", "class LabelledImages")
    assert detector["stand_ins"] == [f"data.labels.LabelledImages (not defined: data/labels.py:{line} failed when "
                                     "imported (FileNotFoundError: [Errno 2] No such file or directory: "
                                     f"'{Path.home()}/datasets/labels/labels.txt'))"]
    # a name the project's module does not define at all is the file's import error
    errors = {e["target"]: (e["line"], e["message"]) for e in linted["errors"]}
    assert errors["wrong_name.py"][0] == line_of(root, "wrong_name.py", "import LabelSet")
    assert errors["wrong_name.py"][1].startswith("ImportError: cannot import name 'LabelSet' from 'data.labels'")


def test_every_module_class_of_the_project_is_accounted_for(linted):
    """The invariant at run time: each nn.Module class (as Python sees it once imported) is
    analyzed, skipped, an error, or not a root model."""
    for target in ("zoo_subclasses.py::Restorer", "zoo_subclasses.py::TinyEfficientNet", "zoo_subclasses.py::Head",
                   "zoo_subclasses.py::Classifier", "mixed.py::Plain", "mixed.py::OnZoo", "detector.py::Detector",
                   "legacy_timm.py::Mixer", "legacy_timm.py::PatchEmbed", "legacy_timm.py::Attention",
                   "senet_encoder.py::Fine", "llm_heads.py::TinyForCausalLM", "llm_heads.py::TinyPreTrainedModel"):
        assert outcome(linted, target)[0] != "missing", target
