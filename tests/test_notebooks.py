"""Jupyter notebooks as model files (issue 30): fixtures/notebooks linted through the CLI as a
folder — the same findings as the same code in a .py file, at cell and line, in every format;
a noqa comment in a cell; checkpoints skipped; the training cell, the shell escapes and the
cell magics never run; ``--diff`` and ``--fix`` change only the edited cells' source, byte for
byte; the language server publishes a notebook's findings on its cells."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from bench.lsp_client import LspClient
from conftest import REPO, run_netlint, tree

NOTEBOOKS = REPO / "fixtures" / "notebooks"
SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def twin(notebook: Path) -> tuple[str, list[tuple[int, int]]]:
    """The notebook's code cells as one .py file, IPython's own lines written as ``pass`` (their
    backslash continuations and a ``%%bash`` cell as blank lines), and each of its lines' (cell,
    line within the cell)."""
    lines, positions = [], []
    for number, cell in enumerate(json.loads(notebook.read_text())["cells"], 1):
        if cell["cell_type"] != "code":
            continue
        source, continued = "".join(cell["source"]), False
        for i, line in enumerate(source.splitlines(), 1):
            stripped = line.strip()
            if source.startswith("%%bash") or continued:
                line, continued = "", stripped.endswith("\\")
            elif stripped.startswith(("%", "!")) or stripped in ("Generator?", "display(model)"):
                line, continued = line[:len(line) - len(line.lstrip())] + "pass", stripped.endswith("\\")
            lines.append(line + "\n")
            positions.append((number, i))
    return "".join(lines), positions


@pytest.fixture(scope="module")
def linted(tmp_path_factory) -> tuple[Path, dict, str, list[tuple[int, int]]]:
    """fixtures/notebooks (with a checkpoint copy that must be skipped) and the generator's .py
    twin, linted in one run from a copy."""
    root = tmp_path_factory.mktemp("notebooks")
    project = root / "project"
    shutil.copytree(NOTEBOOKS, project)
    checkpoints = project / ".ipynb_checkpoints"
    checkpoints.mkdir()
    shutil.copy(project / "generator.ipynb", checkpoints / "generator-checkpoint.ipynb")
    text, positions = twin(project / "generator.ipynb")
    (root / "twin").mkdir()
    (root / "twin" / "generator.py").write_text(text)
    before = tree(root)
    proc = run_netlint("project", "twin", "--output-format", "json", "--show-suppressed", "-v", "-j", "2", cwd=root,
                       env=cached(tmp_path_factory))
    assert proc.returncode == 1 and proc.stdout, proc.stderr
    assert tree(root) == before  # no generator.pt, no finished.txt, no pip install
    return root, json.loads(proc.stdout), proc.stderr, positions


def cached(tmp_path_factory) -> dict[str, str]:
    """The environment with a cache of this module's own (the tests run without one), so that
    the reports in other formats of the shared run read its results rather than lint again."""
    cache = tmp_path_factory.getbasetemp() / "notebooks-cache"
    environment = {key: value for key, value in os.environ.items() if key != "NETLINT_NO_CACHE"}
    return {**environment, "NETLINT_CACHE_DIR": str(cache)}


def _of(report: dict, prefix: str) -> list[dict]:
    return [f for f in report["findings"] if f["target"].startswith(prefix)]


def test_the_same_findings_as_the_same_code_in_a_py_file_at_cell_and_line(linted):
    _, report, _, positions = linted
    in_notebook = {(f["code"], f["layer"], f["cell"], f["line"], f["column"])
                   for f in _of(report, "project/generator.ipynb::")}
    in_file = {(f["code"], f["layer"], *positions[f["line"] - 1], f["column"])
               for f in _of(report, "twin/generator.py::")}
    assert in_notebook == in_file == {("NL102", "blocks.0.conv", 3, 6, 21), ("NL102", "stem", 5, 4, 21),
                                      ("NL201", "stem_norm", 5, 5, 26)}
    models = {m["target"].partition("::")[0]: m for m in report["models"] if m["class"] == "Generator"}
    notebook, script = models["project/generator.ipynb"], models["twin/generator.py"]
    assert notebook["call"] == script["call"] == "Generator(3, 32)"  # from cell 7's own call
    assert notebook["input_shape"] == script["input_shape"] == [[1, 3, 64, 64]]
    assert notebook["params"] == script["params"]
    assert notebook["arguments_from"] == "project/generator.ipynb:cell 7:1"


def test_noqa_in_a_cell(linted):
    _, report, _, _ = linted
    suppressed, = [s for s in report["suppressed"] if s["target"].startswith("project/generator.ipynb")]
    assert (suppressed["code"], suppressed["layer"], suppressed["cell"], suppressed["line"]) == \
        ("NL201", "blocks.0.norm", 3, 7)
    assert "noqa" in suppressed["reason"]


def test_checkpoints_skipped_precision_kept_and_no_work_run(linted):
    _, report, stderr, _ = linted
    assert not [t for t in json.dumps(report).split('"') if ".ipynb_checkpoints" in t]
    assert report["errors"] == []
    assert {m["target"] for m in report["models"]} == {
        "project/classifier.ipynb::SmallClassifier", "project/generator.ipynb::Generator",
        "project/styled.ipynb::Denoiser", "twin/generator.py::Generator"}
    assert _of(report, "project/classifier.ipynb") == []  # a classifier's BatchNorm is right
    assert [(f["code"], f["cell"], f["line"]) for f in _of(report, "project/styled.ipynb")] == [("NL102", 2, 6)]
    notes = [n for m in report["models"] if m["target"] == "project/generator.ipynb::Generator" for n in m["notes"]]
    assert any(n.startswith("project/generator.ipynb:cell 9:3: a top-level for loop") for n in notes), notes
    assert any("cell 9:11" in n and "torch.save" in n for n in notes), notes
    assert "display" not in stderr  # the display()-only cell is masked, not run


@pytest.fixture(scope="module")
def formats(linted, tmp_path_factory) -> dict[str, str]:
    """The same run's report in each other format, and its ``--diff`` (read from the cache the
    JSON run filled)."""
    root = linted[0]
    before = tree(root)
    outputs = {}
    for fmt in ("full", "concise", "github", "sarif"):
        proc = run_netlint("project", "twin", "--output-format", fmt, cwd=root, env=cached(tmp_path_factory))
        assert proc.returncode == 1, proc.stderr
        outputs[fmt] = proc.stdout
    for fmt, argument in (("html", "--output-format=html"), ("diff", "--diff")):  # (these lint for real: one model)
        proc = run_netlint("project/styled.ipynb", argument, cwd=root)
        assert proc.returncode == 1, proc.stderr
        outputs[fmt] = proc.stdout
    assert tree(root) == before
    return outputs


def test_positions_in_the_text_formats(formats):
    assert "project/generator.ipynb:cell 5:4:21: NL102 Conv2d stem has a bias" in formats["concise"]
    assert "project/styled.ipynb:cell 2:6:21: NL102" in formats["concise"]
    assert re.search(r"project/generator\.ipynb:cell 5:5:26 +NL201", formats["full"])
    assert "built as Generator(3, 32) (arguments from project/generator.ipynb:cell 7:1)" in formats["full"]
    assert "project/styled.ipynb:cell 2:6:21" in formats["html"]


def _at(notebook: Path, line: int, column: int) -> str:
    """The notebook's text (its JSON) at a 1-based line and column."""
    return notebook.read_text().splitlines()[line - 1][column - 1:]


def test_github_and_sarif_point_into_the_notebooks_json(linted, formats):
    root = linted[0]
    annotation, = [line for line in formats["github"].splitlines() if "title=NL102" in line and "cell 5" in line]
    found = re.match(r"::warning file=([^,]+),line=(\d+),col=(\d+),title=NL102 bias-before-norm::"
                     r"project/generator\.ipynb:cell 5:4:21: Conv2d stem", annotation)
    assert found and found[1] == "project/generator.ipynb", annotation
    assert _at(root / found[1], int(found[2]), int(found[3])).startswith("nn.Conv2d(channels, width, 3, padding=1)")

    sarif = json.loads(formats["sarif"])
    locations = {(r["ruleId"], r["locations"][0]["properties"]["cell"], r["locations"][0]["properties"]["cellLine"]):
                 r["locations"][0]["physicalLocation"] for r in sarif["runs"][0]["results"]
                 if "ipynb" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]}
    assert set(locations) == {("NL102", 3, 6), ("NL102", 5, 4), ("NL201", 5, 5), ("NL102", 2, 6)}
    styled = locations["NL102", 2, 6]  # a cell whose source is one JSON string: the column counts its escapes
    assert styled["artifactLocation"]["uri"].endswith("styled.ipynb")
    region = styled["region"]
    assert _at(root / "project/styled.ipynb", region["startLine"], region["startColumn"]).startswith(
        "nn.Conv2d(1, 16, 3, padding=1)\\n")
    if SARIF_SCHEMA.exists():
        jsonschema = pytest.importorskip("jsonschema")
        schema = json.loads(SARIF_SCHEMA.read_text())
        jsonschema.validators.validator_for(schema)(schema).validate(sarif)


def test_diff_shows_the_changed_cell(formats):
    diff = formats["diff"]
    assert diff.startswith("--- a/project/styled.ipynb:cell 2\n+++ b/project/styled.ipynb:cell 2\n@@ -3,7 +3,7 @@\n")
    assert "-        self.conv = nn.Conv2d(1, 16, 3, padding=1)\n" \
           "+        self.conv = nn.Conv2d(1, 16, 3, padding=1, bias=False)\n" in diff
    assert "cell 3" not in diff


def test_fix_changes_only_the_edited_cells_source_byte_for_byte(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(NOTEBOOKS, project)
    before = tree(project)
    proc = run_netlint("generator.ipynb", "styled.ipynb", "--fix", "--output-format", "json", cwd=project)
    report = json.loads(proc.stdout)
    assert proc.returncode == 1, proc.stderr  # NL201 stays (its fix is unsafe)
    assert [(f["code"], f["cell"]) for f in report["fixed"] if "generator" in f["path"]] == [("NL102", 3),
                                                                                               ("NL102", 5)]
    assert [f["code"] for f in report["findings"]] == ["NL201"]
    # the nbformat style: one JSON string a line, in place
    expected = before["generator.ipynb"]
    for old in (b'"        self.conv = nn.Conv2d(width, width, 3, padding=1)\\n"',
                b'"        self.stem = nn.Conv2d(channels, width, 3, padding=1)\\n"'):
        assert expected.count(old) == 1
        expected = expected.replace(old, old.replace(b"padding=1)", b"padding=1, bias=False)"))
    assert (project / "generator.ipynb").read_bytes() == expected
    # another tool's style: indent 2, non-ASCII escaped, the source one string, no final newline
    old = b"nn.Conv2d(1, 16, 3, padding=1)\\n"
    assert before["styled.ipynb"].count(old) == 1 and not before["styled.ipynb"].endswith(b"\n")
    assert (project / "styled.ipynb").read_bytes() == before["styled.ipynb"].replace(
        old, b"nn.Conv2d(1, 16, 3, padding=1, bias=False)\\n")
    assert tree(project).keys() == before.keys()


def test_a_file_that_is_no_notebook_is_one_clear_error_and_exclude_holds(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{not json")
    (tmp_path / "old.ipynb").write_text('{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}')
    (tmp_path / "pyproject.toml").write_text('[tool.netlint]\nexclude = ["excluded"]\n')
    (tmp_path / "excluded").mkdir()
    (tmp_path / "excluded" / "broken.ipynb").write_text("{not json")
    proc = run_netlint(".", cwd=tmp_path)
    assert proc.returncode == 2
    assert "error: broken.ipynb: cannot read: not a notebook: " in proc.stderr
    assert "error: old.ipynb: cannot read: a notebook of nbformat 3: netlint reads nbformat 4" in proc.stderr
    assert "Traceback" not in proc.stderr and "excluded" not in proc.stderr


def test_the_server_publishes_a_notebooks_findings_on_its_cells(tmp_path):
    shutil.copy(NOTEBOOKS / "generator.ipynb", tmp_path / "generator.ipynb")
    notebook = json.loads((tmp_path / "generator.ipynb").read_text())
    uri = (tmp_path / "generator.ipynb").as_uri()
    cells = [f"vscode-notebook-cell:{tmp_path / 'generator.ipynb'}#cell{i}" for i in range(len(notebook["cells"]))]
    client = LspClient([sys.executable, "-m", "netlint", "server"], cwd=tmp_path)
    try:
        result = client.request("initialize", {"processId": os.getpid(), "rootUri": tmp_path.as_uri(),
                                               "capabilities": {"notebookDocument": {"synchronization": {}}}})
        assert result["capabilities"]["notebookDocumentSync"]["notebookSelector"]
        client.notify("initialized", {})
        client.notify("notebookDocument/didOpen", {
            "notebookDocument": {"uri": uri, "notebookType": "jupyter-notebook", "version": 1, "cells": [
                {"kind": 2 if c["cell_type"] == "code" else 1, "document": cells[i]}
                for i, c in enumerate(notebook["cells"])]},
            "cellTextDocuments": [{"uri": cells[i], "languageId": "python" if c["cell_type"] == "code" else "markdown",
                                   "version": 1, "text": "".join(c["source"])}
                                  for i, c in enumerate(notebook["cells"])]})
        stem = client.diagnostics(cells[4])  # cell 5
        assert sorted((d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"]) for d in stem) == \
            [("NL102", 3, 20), ("NL201", 4, 25)]
        block, = client.diagnostics(cells[2])  # cell 3 (its NL201 has a noqa)
        assert (block["code"], block["range"]["start"]["line"]) == ("NL102", 5)
        action, = client.request("textDocument/codeAction", {
            "textDocument": {"uri": cells[2]}, "range": block["range"], "context": {"diagnostics": [block]}})
        edit, = action["edit"]["changes"][cells[2]]
        assert edit["range"]["start"]["line"] == 5 and "bias=False" in edit["newText"]
    finally:
        client.process.kill()
        client.process.wait()
