"""Issue 28, round 7: the forms NeuraLint's benchmark (bench/neuralint.py) showed the catalog
missing (NL106 through pooling, NL204 through a ReLU, NL302 across the training code, NL309 on
CrossEntropyLoss over one logit, NL314 in the training loop, NL315 a layer output nothing
reads) and the fixes the loss/optimizer rules gained: NL305 drops the softmax, NL308 builds
BCEWithLogitsLoss, NL502 calls AdamW, NL503 gives the optimizer parameter groups (all unsafe).
fixtures/catalog7/ is linted in the shared run of the fixture folders; the fixes by one
``--fix --unsafe-fixes`` run on a copy."""

from __future__ import annotations

import shutil

import pytest

from conftest import FIXTURES, netlint_json, part_of
from test_fixtures import expected_marks

FOLDER = FIXTURES / "catalog7"
CODES = {"NL106", "NL204", "NL302", "NL305", "NL308", "NL309", "NL314", "NL315", "NL502", "NL503"}
FIXED = {"NL305", "NL308", "NL502", "NL503"}


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*.py")), ids=lambda p: p.name)
def test_findings_are_the_marked_lines(path, fixture_folders_report):
    report, proc = fixture_folders_report
    part = part_of(report, f"fixtures/catalog7/{path.name}")
    assert part["errors"] == [], proc.stderr
    found = {(f["code"], f["line"]) for f in part["findings"] if f["code"] in CODES}
    assert found == {mark for mark in expected_marks(path) if mark[0] in CODES}


def test_the_new_forms_say_where_the_loss_and_the_loop_are(fixture_folders_report):
    report, _ = fixture_folders_report
    by_code = {f["code"]: f for f in part_of(report, "fixtures/catalog7/neuralint_families.py")["findings"]}
    assert "through max_pool2d only" in by_code["NL106"]["message"]
    assert "applies sigmoid to it again at fixtures/catalog7/neuralint_families.py:" in by_code["NL302"]["message"]
    assert "CrossEntropyLoss at fixtures/catalog7/neuralint_families.py:" in by_code["NL309"]["message"]
    assert by_code["NL314"]["severity"] == "warning" and "inside the training loop" in by_code["NL314"]["message"]


@pytest.fixture(scope="module")
def fixed_copy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("catalog7") / "catalog7"
    shutil.copytree(FOLDER, folder)
    report, proc = netlint_json(".", "--fix", "--unsafe-fixes", "--no-cache", "-j", "2", cwd=folder)
    return folder, report, proc


def test_each_fix_is_unsafe_and_verified(fixed_copy):
    _, report, proc = fixed_copy
    assert report["errors"] == [], proc.stderr
    assert {f["code"] for f in report["fixed"]} == FIXED
    assert all(f["fix_applicability"] == "unsafe" for f in report["fixed"])
    assert not [f for f in report["findings"] if f["code"] in FIXED - {"NL502"}]  # (source rules: as reported)


@pytest.mark.parametrize("file, before, after", [
    ("fix_softmax_cross_entropy.py", "self.probs = nn.Softmax(dim=1)", "self.probs = nn.Identity()"),
    ("fix_bce_on_logits.py", "criterion = nn.BCELoss()", "criterion = nn.BCEWithLogitsLoss()"),
    ("fix_adam_weight_decay.py", "torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)",
     "torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)"),
    ("fix_decay_groups.py", "torch.optim.SGD(model.parameters(), lr=0.1",
     'torch.optim.SGD([{"params": [p for p in model.parameters() if p.ndim > 1]}, '
     '{"params": [p for p in model.parameters() if p.ndim <= 1], "weight_decay": 0.0}], lr=0.1'),
])
def test_the_fix_edits_the_line(fixed_copy, file, before, after):
    folder, _, _ = fixed_copy
    text = (folder / file).read_text()
    assert before in (FOLDER / file).read_text()
    assert after in text and before not in text
