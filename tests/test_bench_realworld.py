"""bench/realworld.py's own logic, on a small project of tests/ (the fetched repositories are
not available here): the independent ast scan, how the JSON report is read, the tree check,
the one-line error for a repository that is not fetched, and one run of the real CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import REPO

from bench import realworld

PROJECT = REPO / "tests" / "realworld_project"
NAME = "example/tiny-gan"


def write_data(tmp_path: Path, roots: str) -> Path:
    data = tmp_path / "repos.toml"
    data.write_text(textwrap.dedent(f"""\
        [[repo]]
        name = "{NAME}"
        set = "heldout"
        commit = "0000000000000000000000000000000000000000"
        field = "image translation"
        year = 2024
        roots = [
        {roots}]
        """))
    return data


def run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "bench/realworld.py", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=600)


def test_ast_scan_follows_bases_across_files_and_aliases(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "base.py").write_text(
        "from torch.nn import Module as M\nclass BaseNet(M):\n    pass\n")
    (tmp_path / "pkg" / "gen.py").write_text(
        "from .base import BaseNet\nclass Gen(BaseNet):\n    pass\nclass Options:\n    pass\n")
    (tmp_path / "pkg" / "layers.py").write_text(
        "import torch\nimport torch.nn as tnn\nclass Block(torch.nn.Sequential):\n    pass\n"
        "class Act(tnn.Module):\n    pass\n")
    # a file's own class of the same name wins: this Gen is not the nn.Module one
    (tmp_path / "pkg" / "tf_port.py").write_text("class Gen:\n    pass\nclass GenNoBias(Gen):\n    pass\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.py").write_text("import torch.nn as nn\nclass Hidden(nn.Module):\n    pass\n")
    assert sorted(realworld.module_classes(tmp_path, ["."])) == [
        "pkg/base.py::BaseNet", "pkg/gen.py::Gen", "pkg/layers.py::Act", "pkg/layers.py::Block"]


def test_every_class_gets_one_outcome_from_the_json_report():
    classes = {f"m.py::{c}": "m.py" for c in ("A", "B", "C", "D")} | {"broken.py::E": "broken.py"}
    document = {
        "models": [{"target": "m.py::A(3, 4)", "task": "image-to-image"}],
        "skipped": [{"target": "m.py::B", "reason": "needs arguments", "model": True},
                    {"target": "m.py::C", "reason": "a building block", "model": False}],
        "errors": [{"target": "broken.py", "path": "broken.py", "line": 1, "message": "SyntaxError"}],
    }
    outcomes = realworld.classify(document, classes, "no report")
    assert {t: (o.status, o.reason) for t, o in outcomes.items()} == {
        "m.py::A": ("analyzed", "task image-to-image: "), "m.py::B": ("skipped", "needs arguments"),
        "m.py::C": ("not-root", "a building block"), "m.py::D": ("missing", ""),
        "broken.py::E": ("error", "SyntaxError")}
    assert {o.status for o in realworld.classify(None, classes, "timeout").values()} == {"error"}


def test_tree_digest_sees_new_and_changed_files(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    before = realworld.tree_digest(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "a.pyc").write_bytes(b"\0")
    assert realworld.tree_digest(tmp_path) != before
    shutil.rmtree(tmp_path / "__pycache__")
    assert realworld.tree_digest(tmp_path) == before
    (tmp_path / "a.py").write_text("x = 2\n")
    assert realworld.tree_digest(tmp_path) != before


def test_a_repository_not_fetched_is_one_line_and_exit_2(tmp_path):
    data = write_data(tmp_path, "")
    proc = run_script("--data", data, "--trees", tmp_path / "trees")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"realworld: {NAME} is not fetched: fetch github:{NAME}, then "
        f"`python bench/realworld.py --extract --set heldout --only {NAME}`"]


def test_the_real_cli_on_a_small_project(tmp_path):
    data = write_data(tmp_path, """\
          { target = "nets/models.py::Generator", image_to_image = true, nl201 = true, nl202 = false },
          { target = "nets/models.py::Discriminator", image_to_image = false, nl201 = false, nl202 = false },
        """)
    trees = tmp_path / "trees"
    shutil.copytree(PROJECT, trees / NAME.replace("/", "+"))
    proc = run_script("--data", data, "--trees", trees, "--netlint", Path(sys.executable).parent / "netlint",
                      "--save", tmp_path / "runs")
    assert proc.returncode == 0, proc.stderr
    row = next(line for line in proc.stdout.splitlines() if line.startswith(f"| {NAME} |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    # roots, analyzed, skipped, errors, missing; then the classes of the ast scan (3)
    assert cells[2:8] == ["2", "2", "0", "0", "0", "3"]
    assert cells[12:15] == ["1/0/0", "0/0/0", "yes"]
    assert "- root models analyzed: 2/2 (100.0%)" in proc.stdout
    assert "- NL201 on image-to-image roots: recall 1/1 (100%), precision 1/1 (100%)" in proc.stdout
    # the saved run scores the same without running netlint again
    again = run_script("--data", data, "--trees", trees, "--load", tmp_path / "runs")
    assert again.returncode == 0 and again.stdout == proc.stdout
    assert not (PROJECT / "nets" / "__pycache__").exists()
