"""Source files read as Python reads them (tests/source_encodings, whose bytes git keeps as
they are): a UTF-8 byte-order mark, PEP 263 coding cookies (latin-1, cp1252 in vim's form),
CRLF, CR and mixed line ends, form feeds and tabs; a block in a BOM file built by a model in
a latin-1 CRLF file, which a BOM CRLF training script builds and trains. One lint and one
--fix run of a copy; --fix changes the bytes at its edit only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import run_netlint, tree

PROJECT = Path(__file__).resolve().parent / "source_encodings"
MODELS = {"bom_utf8.py::BomNet", "latin1_cookie.py::Latin1Net", "cp1252_vim.py::Cp1252Net", "crlf_lines.py::CrlfNet",
          "cr_lines.py::CrNet", "bom_cookie_crlf.py::BomCrlfNet", "mixed_lines.py::MixedNet",
          "form_feed_tabs.py::TabNet", "stacked_crlf.py::StackedNet"}
CONV = b"nn.Conv2d(3, width, 3, padding=1)"


def python_line(path: Path, text: bytes) -> int:
    """The line Python numbers for the first line holding ``text`` (CR, LF and CRLF all end a line)."""
    data = path.read_bytes()
    before = data[:data.index(text)].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return before.count(b"\n") + 1


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[dict, dict, Path]:
    """The project linted as it is, then fixed (each in a copy of its own)."""
    linted, fixed = (tmp_path_factory.mktemp(name) / "project" for name in ("linted", "fixed"))
    for copy in (linted, fixed):
        shutil.copytree(PROJECT, copy)
    before = tree(linted)
    proc = run_netlint(".", "-j", "2", "--output-format", "json", cwd=linted)
    assert proc.returncode == 1 and tree(linted) == before, proc.stderr
    fix = run_netlint(".", "-j", "2", "--fix", "--output-format", "json", cwd=fixed)
    assert fix.returncode == 1, fix.stderr
    return json.loads(proc.stdout), json.loads(fix.stdout), fixed


def test_the_fixture_files_keep_their_bytes_in_git():
    data = {p.name: p.read_bytes() for p in PROJECT.glob("*.py")}
    assert data["bom_utf8.py"].startswith(b"\xef\xbb\xbf") and b"\r\n" in data["crlf_lines.py"]
    assert b"\n" not in data["cr_lines.py"] and b"\r\n" in data["mixed_lines.py"]


def test_every_model_of_every_encoding_and_line_end_is_linted(runs):
    report = runs[0]
    assert report["errors"] == []
    assert {m["target"] for m in report["models"]} == MODELS
    line = python_line(PROJECT / "stacked_crlf.py", b"nn.Sequential(ConvUnit(")
    assert {(s["target"], s["reason"]) for s in report["skipped"]} == {
        ("blocks_bom.py::ConvUnit", f"a building block: stacked_crlf.py:{line} builds it in a model of its own")}


def test_findings_are_on_the_lines_python_numbers(runs):
    report = runs[0]
    nl102 = {f["path"]: f["line"] for f in report["findings"] if f["code"] == "NL102"}
    assert set(nl102) == {t.partition("::")[0] for t in MODELS} - {"stacked_crlf.py"}
    for path, line in nl102.items():
        assert line == python_line(PROJECT / path, CONV), path


def test_a_bom_crlf_training_script_gives_the_arguments_and_is_read_by_source_rules(runs):
    report = runs[0]
    stacked = next(m for m in report["models"] if m["target"] == "stacked_crlf.py::StackedNet")
    assert stacked["call"] == "StackedNet(channels=12)" and stacked["arguments_from"] == "train_bom_crlf.py:8"
    script = PROJECT / "train_bom_crlf.py"
    assert sorted(f["line"] for f in report["findings"] if f["code"] == "NL501") == [
        python_line(script, b"DataLoader("), python_line(script, b"optim.SGD(")]


def test_fix_keeps_the_encoding_the_byte_order_mark_and_the_line_ends(runs):
    _, fixed_report, fixed = runs
    assert {f["target"] for f in fixed_report["fixed"]} == MODELS - {"stacked_crlf.py::StackedNet"}
    for path in sorted(PROJECT.glob("*.py")):
        original = path.read_bytes()
        expected = original.replace(CONV, CONV[:-1] + b", bias=False)") if CONV in original else original
        assert (fixed / path.name).read_bytes() == expected, path.name


def test_an_unreadable_encoding_is_one_line_naming_the_file(tmp_path):
    (tmp_path / "klingon.py").write_bytes(b"# coding: klingon\nimport torch\n")
    (tmp_path / "contradiction.py").write_bytes(b"\xef\xbb\xbf# coding: latin-1\nimport torch\n")
    proc = run_netlint(".", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr + proc.stdout
    assert "klingon.py: cannot read: unknown encoding: klingon" in proc.stdout + proc.stderr
    assert "contradiction.py: cannot read: its UTF-8 byte-order mark contradicts its coding cookie" in (
        proc.stdout + proc.stderr)
