"""The project's requirements not installed: a third-party module that is missing gets a
stand-in, so that the models that never use it are linted; a model that uses one is one
error naming it; the report says which modules were stood in for. Installed packages are
libraries wherever they are installed, and the project's own folders are never stood in for.
tests/missing_modules holds the project and, outside it, a PYTHONPATH folder (site/)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import torch

from conftest import run_netlint

CASES = Path(__file__).resolve().parent / "missing_modules"
NOT_INSTALLED = "model uses {}, which is not installed: install the project's requirements"


def line_of(file: str, text: str) -> int:
    lines = (CASES / "project" / file).read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, dict]:
    """A copy of the project, and an environment with the zoo (site/) and the vendored
    package (pip install --target vendor) on PYTHONPATH."""
    root = tmp_path_factory.mktemp("missing") / "cases"
    shutil.copytree(CASES, root)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "site"), str(root / "project" / "vendor")])}
    return root / "project", env


@pytest.fixture(scope="module")
def linted(project) -> tuple[dict, str]:
    root, env = project
    proc = run_netlint(".", "--output-format", "json", cwd=root, env=env)
    assert proc.returncode == 2 and proc.stdout, proc.stderr
    return json.loads(proc.stdout), proc.stderr


def test_models_that_do_not_use_a_missing_module_are_linted(linted):
    report, _ = linted
    models = {m["target"]: m for m in report["models"]}
    assert list(models) == ["detector.py::SceneClassifier", "init_loop.py::Refiner", "libraries.py::ZooNet",
                            "restoration.py::Restorer", "src/nets/colorizer.py::Colorizer"]
    assert models["init_loop.py::Refiner"]["stand_ins"] == ["sync_batchnorm"]  # only asked isinstance of
    restorer = models["restoration.py::Restorer"]  # registered by a decorator of a stand-in registry
    assert restorer["params"] == (3 * 16 * 9 + 16) + 2 * 16 + (16 * 3 * 9 + 3)  # inplace_abn is optional: BatchNorm


def test_the_report_names_the_modules_stood_in_for(linted, project):
    report, _ = linted
    stand_ins = {m["target"]: m["stand_ins"] for m in report["models"]}
    # not inplace_abn nor apex: their imports are guarded (try/except ImportError, importlib.util.find_spec);
    # lpips is, although its import is in a try: its except only raises a message
    assert stand_ins["restoration.py::Restorer"] == ["h5py", "kornia", "lpips", "mmengine", "pretrainedmodels"]
    assert stand_ins["libraries.py::ZooNet"] == stand_ins["src/nets/colorizer.py::Colorizer"] == []
    assert stand_ins["detector.py::SceneClassifier"] == ["ops.nms_ext"]  # the project's extension, not built
    root, env = project
    full = run_netlint("restoration.py::Restorer", cwd=root, env=env)
    assert full.returncode == 1 and "NL201" in full.stdout, full.stderr  # BatchNorm in a restoration model
    assert "  stand-ins for modules that are not installed: h5py, kornia, lpips, mmengine, pretrainedmodels\n" in full.stdout


def test_a_model_that_uses_a_missing_module_is_one_error_naming_it(linted):
    report, _ = linted
    errors = [(e["target"], e["path"], e["line"], e["message"]) for e in report["errors"]]
    assert ("restoration.py::Deblur", "restoration.py", line_of("restoration.py", "gaussian_blur2d(x,"),
            f"forward failed: {NOT_INSTALLED.format('kornia')}") in errors
    assert ("restoration.py::SEEncoder", "restoration.py", line_of("restoration.py", 'pretrainedmodels.__dict__["se'),
            f"building SEEncoder failed: {NOT_INSTALLED.format('pretrainedmodels')}") in errors
    assert ("detector.py::Detector", "detector.py", line_of("detector.py", "keep = nms("),
            "forward failed: model uses ops.nms_ext, which is not built: build the project's extensions") in errors


def test_no_stand_in_for_an_installed_package_that_fails_but_for_a_submodule_it_lacks(linted):
    report, stderr = linted
    errors = {e["target"]: (e["line"], e["message"]) for e in report["errors"]}
    # torch imports; torch._six, gone from torch 2, is stood in for, and the model's isinstance uses it
    assert errors["old_torch.py::Pyramid"] == (
        line_of("old_torch.py", "isinstance(scales, container_abcs"),
        f"building Pyramid failed: model uses torch._six, which is not in the installed torch {torch.__version__}")
    assert errors["renders.py"] == (line_of("renders.py", "import glrender"),
                                    "ImportError: libGL.so.1: cannot open shared object file: No such file or directory")
    assert len(report["errors"]) == 5 and "Traceback" not in stderr


def test_installed_packages_import_as_libraries_wherever_they_are(linted):
    # the zoo (on PYTHONPATH, outside the project) and ringbuf (pip install --target, inside it)
    # fill their registries in top-level loops, which run: they are libraries, not the project's code
    report, _ = linted
    zoo_net = next(m for m in report["models"] if m["target"] == "libraries.py::ZooNet")
    assert zoo_net["params"] == (3 * 8 * 9 + 8) + (8 * 3 * 9 + 3) + (3 * 16 + 16)


def test_the_projects_own_folders_are_imported_not_stood_in_for(linted):
    # src/nets/colorizer.py imports `models` and `settings`, folders of the project under src/
    report, _ = linted
    colorizer = next(m for m in report["models"] if m["target"] == "src/nets/colorizer.py::Colorizer")
    assert colorizer["params"] == (1 * 16 * 9 + 16) + 2 * 16 + (16 * 2 * 9 + 2)
    assert colorizer["stand_ins"] == []


def test_the_report_is_the_same_with_several_workers(linted, project):
    # each worker forgets a file's stand-ins with its other modules: no file inherits another's
    root, env = project
    proc = run_netlint(".", "--output-format", "json", "-j", "2", cwd=root, env=env)
    assert proc.returncode == 2
    assert json.loads(proc.stdout) == linted[0]
