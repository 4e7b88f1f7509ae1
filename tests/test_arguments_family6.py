"""Constructor arguments the project's code gives, zero-config (README, "Constructor
arguments"), on tests/arguments_family6, linted in one run:

- extensionless_scripts: the project's scripts without ``.py`` (``train`` with a ``#!`` line,
  written for Python 2; ``evaluate`` without one, importing torch) are project code: their
  calls build the model, with the script's argparse defaults; a text file is not read as code;
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
