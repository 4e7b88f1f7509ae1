"""Issue 28, round 9: the last layer against the loss on the forms real code takes.
fixtures/catalog9/ is linted once, in the shared run of the fixture folders (no run of its own):
forwards no tier runs, read at the module tree tier for their last step (functional_return*.py),
and the loss forms of projects (a trainer class, one in another file given the model and the
criterion by its constructor, a training_step, a loss picked by name, a loss
class wrapping F.cross_entropy, an unpacked output), each with quiet twins."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, part_of
from test_fixtures import expected_marks

FOLDER = FIXTURES / "catalog9"
PAIRING = {"NL303", "NL305", "NL306", "NL307", "NL308", "NL309", "NL310", "NL311"}


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*.py")), ids=lambda p: p.name)
def test_findings_are_the_marked_lines(path, fixture_folders_report):
    report, proc = fixture_folders_report
    part = part_of(report, f"fixtures/catalog9/{path.name}")
    assert part["errors"] == [] and (part["models"] or path.name == "trainer_loop.py"), proc.stderr
    found = {(f["code"], f["line"]) for f in part["findings"] if f["code"] in PAIRING}
    assert found == {mark for mark in expected_marks(path) if mark[0] in PAIRING}


def test_an_untraceable_forward_is_paired_by_its_code_at_the_model_and_the_loss(fixture_folders_report):
    report, _ = fixture_folders_report
    part = part_of(report, "fixtures/catalog9/functional_return.py")
    assert {m["capture"] for m in part["models"]} == {"modules"}
    softmax, = [f for f in part["findings"] if f["code"] == "NL305"]
    assert "CrossEntropyLoss at fixtures/catalog9/functional_return.py:80, built at line 76" in softmax["message"]
    assert softmax["column"] == 25 and softmax["fix"]  # at the F.softmax call, which the fix removes


def test_quiet_twins_were_paired_not_skipped(fixture_folders_report):
    report, _ = fixture_folders_report
    for name in ("functional_return_quiet.py", "loss_forms_quiet.py"):
        part = part_of(report, f"fixtures/catalog9/{name}")
        assert part["models"] and all(any(n.startswith("training code: ") and "Loss at" in n for n in m["notes"])
                                      for m in part["models"]), name


def test_a_forward_with_a_column_0_comment_is_read_for_what_it_reaches(fixture_folders_report):
    report, _ = fixture_folders_report
    commented, = [m for m in part_of(report, "fixtures/catalog9/functional_return.py")["models"]
                  if m["target"].endswith("::CommentedScorer")]
    assert "the forward's code does not reach critic: left out of the module tree" in commented["notes"]


def test_a_loss_picked_by_name_or_wrapped_names_the_torch_loss(fixture_folders_report):
    report, _ = fixture_folders_report
    by_name = part_of(report, "fixtures/catalog9/loss_by_name.py")["findings"]
    assert {f["message"].split(" feeds ")[1].split(" at ")[0] for f in by_name if f["code"] in PAIRING} == \
        {"CrossEntropyLoss", "BCEWithLogitsLoss"}
    wrapped, = [f for f in part_of(report, "fixtures/catalog9/loss_wrapper.py")["findings"] if f["code"] == "NL305"]
    assert "CrossEntropyLoss at fixtures/catalog9/loss_wrapper.py:42, built at line 41" in wrapped["message"]
