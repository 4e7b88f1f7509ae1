"""--fix on every bundled fixture, through the real CLI on a copy of fixtures/: every safe
finding fixed, the files still Python and changed only at the fixes' edits, nothing left to
fix on a second run."""

from __future__ import annotations

import difflib
import json
import shutil

from conftest import FIXTURES, part_of, run_netlint


def test_the_bundled_fixtures(tmp_path, fixture_files_report, fixture_folders_report):
    """Every safe finding of the fixtures is fixed, every file still compiles and differs
    only at the fixes' edits, and a second run has no fixable finding left. (What there is
    to fix: the findings of conftest's shared runs of fixtures/, whose targets are named
    from the repository.)"""
    work = tmp_path / "fixtures"  # (a generous --timeout: two files at a time, on a machine busy with other tests)
    shutil.copytree(FIXTURES, work, ignore=shutil.ignore_patterns("scripts", "notebooks", "__pycache__"))
    originals = {p: p.read_text() for p in work.rglob("*.py")}
    before = [f for report, _ in (fixture_files_report, fixture_folders_report)
              for f in part_of(report, "fixtures/")["findings"]]
    safe = {(f["target"].removeprefix("fixtures/"), f["code"], f["layer"]) for f in before
            if f["fix_applicability"] == "safe"}
    assert len(safe) >= 10
    proc = run_netlint(".", "-j", "2", "--timeout", "300", "--fix", "--output-format", "json", cwd=work)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert {(f["target"], f["code"], f["layer"]) for f in report["fixed"]} == safe
    assert not any(f["fix_applicability"] == "safe" for f in report["findings"]) and not report["errors"]
    edited_lines = {(e["path"], n) for f in report["fixed"] for e in f["edits"]
                    for n in range(e["range"]["start"]["line"], e["range"]["end"]["line"] + 1)}
    for path, text in originals.items():
        now = path.read_text()
        compile(now, str(path), "exec")  # still Python
        for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, text.splitlines(), now.splitlines()).get_opcodes():
            if tag != "equal":
                shown = path.relative_to(work).as_posix()
                assert all((shown, n) in edited_lines for n in range(i1 + 1, max(i2, i1 + 1) + 1)), (shown, tag, i1)
    fixed_texts = {p: p.read_text() for p in originals}
    proc = run_netlint(".", "-j", "2", "--timeout", "300", "--fix", "--output-format", "json", cwd=work)
    again = json.loads(proc.stdout)
    assert again["fixed"] == [] and not any(f["fix_applicability"] == "safe" for f in again["findings"])
    assert {p: p.read_text() for p in originals} == fixed_texts
