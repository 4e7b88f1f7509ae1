"""Blocks that the project's model classes build, whatever file builds them and however
(fixtures/discovery6, in conftest's shared run of the fixture folders): a class another file's model builds as
``common.Block(...)`` (its package imported from the folder above), through an alias or
``import pkg.mod as m``, in a comprehension, handed to a helper (``make_layer(Block, 2)``),
through a helper of the class's own file, or that a factory gives to a model class
(``ResNet(BasicBlock, [1, 1])``); the file's own helpers, chained, and a helper that returns
a block whole. A class the scripts train alone stays a root even though a model builds it,
and a class only a script (or a plain class it is given to) builds stays a root."""

from __future__ import annotations

import re

import pytest

from conftest import FIXTURES, REPO, part_of
from test_discovery_invariant import outcomes

FOLDER = FIXTURES / "discovery6"
EXPECTED = re.compile(r"class (\w+)\(.*#\s*discover:\s*(model|not a root|skipped)")


@pytest.fixture(scope="module")
def report(fixture_folders_report) -> dict:
    """The folder's part of conftest's shared run of the fixture folders."""
    report, proc = fixture_folders_report
    assert proc.returncode in (0, 1), proc.stderr
    return part_of(report, "fixtures/discovery6/")


def reasons(report: dict) -> dict[str, str]:
    return {s["target"].removeprefix("fixtures/discovery6/"): s["reason"] for s in report["skipped"]}


def test_every_class_is_what_its_comment_says(report):
    expected = {}
    for path in sorted(FOLDER.rglob("*.py")):
        shown = str(path.relative_to(REPO))
        expected.update({f"{shown}::{m[1]}": [m[2]] for m in EXPECTED.finditer(path.read_text())})
    assert report["errors"] == []
    assert outcomes(report) == expected


def test_blocks_another_files_model_builds_name_where(report):
    found = reasons(report)
    where = "a building block: fixtures/discovery6/"
    assert found["model/common.py::ConvBNAct"] == f"{where}loss/critic.py:12 builds it in a model of its own"
    assert found["model/common.py::ResUnit"] == f"{where}model/restorer.py:16 builds it in a model of its own"
    assert found["model/common.py::DenseUnit"] == f"{where}model/restorer.py:17 builds it in a model of its own"
    assert found["model/common.py::GateUnit"] == f"{where}model/restorer.py:18 builds it in a model of its own"
    assert found["model/common.py::SkipUnit"] == f"{where}model/enhancer.py:13 builds it in a model of its own"
    assert found["model/common.py::ShuffleUp"] == f"{where}model/enhancer.py:14 builds it in a model of its own"


def test_blocks_a_factory_gives_to_a_model_class_of_another_file(report):
    found = reasons(report)
    assert found["resnets/blocks.py::BasicBlock"] == (
        "a building block: fixtures/discovery6/resnets/zoo.py:8 gives it to ResNet to build")
    assert found["resnets/blocks.py::WideBlock"] == (
        "a building block: fixtures/discovery6/resnets/zoo.py:12 gives it to ResNet to build")
    resnet = next(m for m in report["models"] if m["target"].endswith("resnets/resnet.py::ResNet"))
    assert resnet["call"] == "resnet_small()"  # the factory's ResNet is the file's, imported by another name


def test_blocks_built_through_the_files_own_helpers(report):
    found = reasons(report)
    assert found["stages.py::SEUnit"] == "a building block: Backbone (through make_stage) builds it"
    assert found["stages.py::Bottleneck"] == "a building block: Backbone (through make_stage) builds it"


def test_a_class_the_scripts_train_alone_or_only_a_script_builds_stays_a_root(report):
    models = {m["target"].removeprefix("fixtures/discovery6/") for m in report["models"]}
    assert {"cascade.py::Denoiser", "cascade.py::Cascade", "cascade.py::Tagger"} <= models
