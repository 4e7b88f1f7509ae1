"""Issue 28, round 10: which model a training script's loss reads, on the shapes real projects
take. fixtures/catalog10/ is linted once, in the shared run of the fixture folders (no run of
its own): a loss called as ``criterion.forward(out, y)`` in a tutorial's ``train()``, models
handed through a module's attribute (``dann_train.adapt(extractor, clf, critic)``), a factory
over a dict of classes (``zoo_models.create(name)``), a project loss class wrapping
``F.binary_cross_entropy_with_logits`` moved by ``.cuda()``, loss methods of a LightningModule
whose base is a stand-in (tests/catalog10_lightning/, a run of its own: the LightningModule itself is
an error while pytorch_lightning is not installed, which the fixture folders must not have), same-named classes of other files kept apart by the imports, an
output picked by its key, models held in a dict or a list, and a forward that returns logits
while training; each family with a quiet twin."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, REPO, netlint_json, part_of
from test_fixtures import expected_marks

FOLDER = FIXTURES / "catalog10"
LIGHTNING = REPO / "tests" / "catalog10_lightning"
PAIRING = {"NL303", "NL305", "NL306", "NL307", "NL308", "NL309", "NL310", "NL311"}
FILES = sorted(FOLDER.rglob("*.py")) + sorted(LIGHTNING.glob("*.py"))


@pytest.fixture(scope="module")
def lightning_report():
    return netlint_json(LIGHTNING.relative_to(REPO))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_findings_are_the_marked_lines(path, fixture_folders_report, lightning_report):
    report, proc = lightning_report if path.parent == LIGHTNING else fixture_folders_report
    part = part_of(report, str(path.relative_to(REPO)))
    # (a LightningModule whose base is not installed is not built; its networks are)
    assert all("is a stand-in" in error["message"] for error in part["errors"]), proc.stderr
    found = {(f["code"], f["line"]) for f in part["findings"] if f["code"] in PAIRING}
    assert found == {mark for mark in expected_marks(path) if mark[0] in PAIRING}


def _message(report, where: str, code: str) -> str:
    finding, = [f for f in part_of(report, where)["findings"] if f["code"] == code]
    return finding["message"]


def test_the_loss_line_is_named_for_each_family(fixture_folders_report, lightning_report):
    report, _ = fixture_folders_report
    named = {
        ("tutorial_forward_calls.py", "NL305"): "CrossEntropyLoss at fixtures/catalog10/tutorial_forward_calls.py:22",
        ("dann/dann_nets.py", "NL305"): "CrossEntropyLoss at fixtures/catalog10/dann/dann_train.py:14, built at line 6",
        ("factory/zoo_models.py", "NL306"): "CrossEntropyLoss at fixtures/catalog10/factory/zoo_train.py:14, built at "
                                            "line 36",
        ("focal/detector.py", "NL307"): "BCEWithLogitsLoss at fixtures/catalog10/focal/focal_main.py:18, built at "
                                        "line 11",
        ("held_and_keyed.py", "NL306"): "CrossEntropyLoss at fixtures/catalog10/held_and_keyed.py:44",
    }
    for (file, code), loss in named.items():
        assert loss in _message(report, f"fixtures/catalog10/{file}", code), file
    aux = part_of(lightning_report[0], "tests/catalog10_lightning/gan_aux.py")["findings"]
    assert {f["message"].split(" feeds ")[1].split(" (")[0] for f in aux} == {
        "CrossEntropyLoss at tests/catalog10_lightning/gan_aux.py:46",
        "BCEWithLogitsLoss at tests/catalog10_lightning/gan_aux.py:43"}


def test_quiet_twins_were_paired_not_skipped(fixture_folders_report, lightning_report):
    """Their quiet means something: the loss was read and judged right."""
    report, _ = fixture_folders_report
    twins = {"tutorial_forward_calls_quiet.py::MLP": "NLLLoss", "dann/dann_nets.py::DomainCritic": "BCELoss",
             "factory/zoo_models.py::WideNet": "CrossEntropyLoss", "focal/detector.py::LogitNet": "BCEWithLogitsLoss",
             "held_and_keyed.py::Critic": "BCELoss",
             "train_mode_logits.py::Classifier": "CrossEntropyLoss"}
    models = {m["target"]: m for m in part_of(report, "fixtures/catalog10/")["models"]}
    models |= {m["target"]: m for m in lightning_report[0]["models"]}
    twins = {f"fixtures/catalog10/{target}": loss for target, loss in twins.items()}
    twins["tests/catalog10_lightning/gan_basic.py::Discriminator"] = "BCELoss"
    for target, loss in twins.items():
        notes = models[target]["notes"]
        assert any(n.startswith(f"training code: {loss} at ") for n in notes), target


def test_another_files_class_of_the_same_name_gets_none_of_its_training_code(lightning_report):
    report, _ = lightning_report
    basic, = [m for m in part_of(report, "tests/catalog10_lightning/gan_basic.py")["models"]
              if m["target"].endswith("::Discriminator")]
    assert not [n for n in basic["notes"] if "gan_aux.py" in n]
