"""Issue 28, round 8: NL504 optimizer-step-without-loop (NeuraLint's NoMainLoop) and the
catalog's families left by round 7. fixtures/catalog8/ is linted once in the shared run of the
fixture folders."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, part_of
from test_fixtures import expected_marks

FOLDER = FIXTURES / "catalog8"
CODES = {"NL107", "NL108", "NL303", "NL305", "NL306", "NL307", "NL308", "NL504"}


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*.py")), ids=lambda p: p.name)
def test_findings_are_the_marked_lines(path, fixture_folders_report):
    report, proc = fixture_folders_report
    part = part_of(report, f"fixtures/catalog8/{path.name}")
    assert part["errors"] == [], proc.stderr
    found = {(f["code"], f["line"]) for f in part["findings"] if f["code"] in CODES}
    assert found == {mark for mark in expected_marks(path) if mark[0] in CODES}


def test_single_step_names_the_calls_that_run_it_once(fixture_folders_report):
    report, _ = fixture_folders_report
    steps = sorted((f for f in part_of(report, "fixtures/catalog8/step_without_loop.py")["findings"]
                    if f["code"] == "NL504"), key=lambda f: f["line"])
    direct, chained = steps
    assert direct["severity"] == "warning" and "in train() called once at line 82" in direct["message"]
    assert "in fit_once() called once at line 39, in main() called once at line 83" in chained["message"]


def test_a_loss_handed_to_another_files_function_is_paired(fixture_folders_report):
    report, _ = fixture_folders_report
    finding, = [f for f in part_of(report, "fixtures/catalog8/handoff_model.py")["findings"] if f["code"] == "NL306"]
    assert "CrossEntropyLoss at fixtures/catalog8/handoff_train.py:9" in finding["message"]
    assert "built at fixtures/catalog8/handoff_model.py:23" in finding["message"]
    quiet = part_of(report, "fixtures/catalog8/handoff_quiet.py")
    assert quiet["models"] and [f for f in quiet["findings"] if f["code"] in {"NL303", "NL306", "NL308"}] == []
