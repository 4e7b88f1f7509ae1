"""The training code read with the model (netlint.training_code) and the rules that pair the
model's last layer with its loss (NL305–NL311), plus the training-code checks NL312 and
NL502: fixtures/loss_pairing/, linted once in the shared run of the fixture folders."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import FIXTURES, REPO, part_of
from test_fixtures import expected_marks

FOLDER = FIXTURES / "loss_pairing"
CODES = {"NL201", "NL303", "NL305", "NL306", "NL307", "NL308", "NL309", "NL310", "NL311", "NL312", "NL502"}


def folder_part(report: dict, name: str = "") -> dict:
    return part_of(report, f"fixtures/loss_pairing/{name}" if name else "fixtures/loss_pairing/")


def model(report: dict, target: str) -> dict:
    return next(m for m in folder_part(report)["models"] if m["target"].endswith("::" + target))


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*.py")), ids=lambda p: p.name)
def test_findings_are_the_marked_lines(path, fixture_folders_report):
    report, proc = fixture_folders_report
    part = folder_part(report, path.name)
    assert part["errors"] == [], proc.stderr
    found = {(f["code"], f["line"]) for f in part["findings"] if f["code"] in CODES}
    assert found == {mark for mark in expected_marks(path) if mark[0] in CODES}


def test_the_finding_is_at_the_model_line_and_names_the_scripts_loss_line(fixture_folders_report):
    report, _ = fixture_folders_report
    finding, = [f for f in folder_part(report, "cnn_functional_softmax.py")["findings"] if f["code"] == "NL305"]
    assert finding["path"] == "fixtures/loss_pairing/cnn_functional_softmax.py"
    assert "CrossEntropyLoss at fixtures/loss_pairing/train_cnn.py:15" in finding["message"]


def test_a_sigmoid_in_the_training_code_is_reported_at_the_loss_line(fixture_folders_report):
    report, _ = fixture_folders_report
    spam, = [f for f in folder_part(report, "sigmoid_bce_with_logits.py")["findings"]
             if f["target"].endswith("::SpamHead")]
    assert spam["code"] == "NL307" and "applied by the training code" in spam["message"]
    assert spam["fix_applicability"] is None  # the model is right: nothing to edit in it


def test_fixes_drop_the_activation(fixture_folders_report):
    report, _ = fixture_folders_report
    by_code = {f["code"]: f for f in folder_part(report)["findings"] if f["fix_applicability"]}
    assert by_code["NL305"]["fix_applicability"] == "unsafe"
    assert by_code["NL306"]["fix_applicability"] == "unsafe"
    assert by_code["NL307"]["fix_applicability"] == "safe"


def test_correct_pairings_stay_quiet_and_nl303_with_them(fixture_folders_report):
    report, _ = fixture_folders_report
    quiet = [f for f in folder_part(report)["findings"]
             if f["target"].partition("::")[2] in ("Net", "Discriminator", "MelanomaNet", "PetClassifier",
                                                    "CrowdCounter", "UNet", "VesselNet", "Tagged")]
    assert [f for f in quiet if f["code"] in CODES] == []
    assert model(report, "Discriminator")["notes"]  # (the loss was read: see the next test)


def test_the_report_says_where_each_training_fact_came_from(fixture_folders_report):
    report, _ = fixture_folders_report
    notes = model(report, "Discriminator")["notes"]
    assert any(n.startswith("training code: BCELoss at fixtures/loss_pairing/dcgan_discriminator_bce.py:26")
               for n in notes), notes
    assert any("optimizer SGD" in n for n in model(report, "IrisNet")["notes"])


def test_a_one_channel_map_trained_with_a_mask_loss_is_segmentation(fixture_folders_report):
    report, _ = fixture_folders_report
    unet = model(report, "UNet")
    assert unet["task"] == "segmentation" and "BCEWithLogitsLoss" in unet["task_reason"]
    vessels = model(report, "VesselNet")
    assert vessels["task"] == "segmentation" and "DiceLoss" in vessels["task_reason"]
    assert not [f for f in folder_part(report, "unet_binary_mask.py")["findings"] if f["code"] == "NL201"]


def test_reading_training_code_never_imports_torch():
    code = ("import sys, ast\nfrom pathlib import Path\nfrom netlint.training_code import training_for\n"
            "facts = training_for(Path('fixtures/loss_pairing/cnn_functional_softmax.py'), 'SmallCNN')\n"
            "assert [u.loss for u in facts.losses] == ['CrossEntropyLoss'], facts\n"
            "assert 'torch' not in sys.modules\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
