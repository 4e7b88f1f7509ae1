"""Helpers to run the real CLI in a subprocess, as users do."""

from __future__ import annotations

import atexit
import fcntl
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
sys.path.insert(0, str(REPO))  # the tests drive the server with bench's LSP client

# No test lints through a daemon someone started for this repository (netlint daemon start).
os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="netlint-tests-")
# Every test lints for real (two runs compared must both lint): only tests/test_cache.py turns the cache on.
os.environ["NETLINT_NO_CACHE"] = "1"
atexit.register(lambda folder=os.environ["XDG_RUNTIME_DIR"], owner=os.getpid():
                os.getpid() == owner and shutil.rmtree(folder, ignore_errors=True))  # (not in a forked child)


# An image-to-image generator with a BatchNorm2d (NL201 at gen.py:10:21 when written as gen.py):
# the model of the tests that lint through a recipe around netlint (pre-commit, CI).
GENERATOR = """
import torch
from torch import nn


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.norm = nn.BatchNorm2d(4)
        self.out = nn.Conv2d(4, 3, 3, padding=1)

    def forward(self, x):
        return torch.tanh(self.out(self.norm(self.conv(x))))
"""


def run_netlint(*args: str, cwd: Path = REPO, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "netlint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600, env=env)


def netlint_json(*args: str, cwd: Path = REPO) -> tuple[dict, subprocess.CompletedProcess]:
    proc = run_netlint(*args, "--output-format", "json", cwd=cwd)
    assert proc.stdout, proc.stderr
    return json.loads(proc.stdout), proc


_TEMPORARY: list = []  # the session's tmp_path_factory, for helpers that are not fixtures


@pytest.fixture(scope="session", autouse=True)
def _remember_tmp_path_factory(tmp_path_factory):
    _TEMPORARY[:] = [tmp_path_factory]


def fixture_models(fixture: str) -> dict[str, dict]:
    """The models of a fixture file (``fixture``: its path under fixtures/, ``capture/capture_x.py``)
    linted without errors, by class name: its part of the run all the fixture files share
    (fixture_files_report)."""
    report, proc = shared_run(_TEMPORARY[0], *FIXTURE_FILES_RUN)
    part = part_of(report, f"fixtures/{fixture}")
    assert part["errors"] == [] and part["models"], proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    return {m["target"].split("::")[1]: m for m in part["models"]}


# The fixture files by kind (the rules' by code: rules/nl201/, capture tiers, inputs, the task, loading),
# each marked with what it must report; the other folders of fixtures/ are corpora linted as folders.
FIXTURE_KINDS = ("rules", "capture", "inputs", "task", "load")
FIXTURE_FILES = sorted(f for kind in FIXTURE_KINDS for f in (FIXTURES / kind).rglob("*.py"))
FIXTURE_FILES_RUN = ("fixture-files", *(str(f.relative_to(REPO)) for f in FIXTURE_FILES), "-j", "2", "--timeout", "300")
FIXTURE_FOLDERS = [str(d.relative_to(REPO)) for d in sorted(FIXTURES.iterdir())
                   if d.is_dir() and d.name not in ("scripts", "notebooks", "__pycache__", *FIXTURE_KINDS)]


def shared_run(tmp_path_factory, name: str, *args: str) -> tuple[dict, subprocess.CompletedProcess]:
    """``netlint ARGS --output-format json`` from the repository, run once for the whole test run:
    shared by its test processes (pytest-xdist) through a file in the run's temporary folder
    (the first to need it lints, the others wait and read)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        saved = shared / f"{name}.json"
        if not saved.exists():
            proc = run_netlint(*args, "--output-format", "json")
            saved.write_text(json.dumps([proc.args, proc.returncode, proc.stdout, proc.stderr]))
        proc = subprocess.CompletedProcess(*json.loads(saved.read_text()))
    assert proc.stdout, proc.stderr
    return json.loads(proc.stdout), proc


@pytest.fixture(scope="session")
def fixture_files_report(tmp_path_factory) -> tuple[dict, subprocess.CompletedProcess]:
    """Every fixture file (FIXTURE_FILES) linted in one run, for the tests that read what it reports about
    one of them (``part_of``): the same report as linting each file alone (a worker forgets a
    file's modules before the next), at the cost of one start instead of dozens. (A generous
    --timeout: the files are linted two at a time, on a machine busy with other tests.)"""
    return shared_run(tmp_path_factory, *FIXTURE_FILES_RUN)


@pytest.fixture(scope="session")
def fixture_folders_report(tmp_path_factory) -> tuple[dict, subprocess.CompletedProcess]:
    """The rest of the model corpora in one run: the folders of fixtures/ (but scripts/ and
    notebooks/, which the config excludes) and tests/fuzz_regressions."""
    return shared_run(tmp_path_factory, "fixture-folders", *FIXTURE_FOLDERS, "tests/fuzz_regressions", "-j", "2",
                      "--timeout", "300")


def part_of(report: dict, where: str) -> dict:
    """What a report says about the targets of one file, or of the files under a folder
    (``where`` ends with /): their models, findings, errors and skips."""
    def about(entry: dict) -> bool:
        file = entry["target"].partition("::")[0]
        return file.startswith(where) if where.endswith("/") else file == where

    return {key: [entry for entry in value if about(entry)] if isinstance(value, list) and key != "rules" else value
            for key, value in report.items()}


def run_bench(script: str) -> str:
    """A benchmark of bench/ in its quick mode; its output."""
    proc = subprocess.run([sys.executable, f"bench/{script}", "--quick"], cwd=REPO,
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture
def write_model(tmp_path):
    """Write a model file into a temporary folder and return its path."""

    def write(source: str, name: str = "model.py") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
        return path

    return write


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by its relative path: to check that netlint wrote nothing there."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_of(tmp_path_factory, project: Path) -> Path:
    """A copy of a project folder of tests/, to lint where the test run may write."""
    copy = tmp_path_factory.mktemp(project.name) / "project"
    shutil.copytree(project, copy)
    return copy


def linted_unchanged(folder: Path, *args: str) -> tuple[dict, subprocess.CompletedProcess]:
    """``netlint . ARGS --output-format json`` in ``folder``, which it must leave as it was."""
    before = tree(folder)
    document, proc = netlint_json(".", *args, cwd=folder)
    assert tree(folder) == before, "netlint wrote into the project"
    return document, proc


def model(document: dict, target: str) -> dict:
    """A report's model of one target ('path::Class')."""
    return next(m for m in document["models"] if m["target"] == target)


def skip_reason(document: dict, target: str) -> str:
    """Why a report skipped one target."""
    return next(s["reason"] for s in document["skipped"] if s["target"] == target)


def fixture_file_report(path: str) -> tuple[dict, subprocess.CompletedProcess]:
    """What ``netlint fixtures/KIND/NAME.py --output-format json`` reports (``path`` as written there):
    its part of the run all the fixture files share (its process is the shared run's)."""
    report, proc = shared_run(_TEMPORARY[0], *FIXTURE_FILES_RUN)
    assert (REPO / path) in FIXTURE_FILES, path
    return part_of(report, path), proc


@functools.lru_cache(maxsize=None)
def linted_path(path: str, *args: str) -> tuple[dict, subprocess.CompletedProcess]:
    """``netlint PATH ARGS --output-format json`` from the repository, once per test process: for
    a fixture file without options, its part of the shared run (fixture_file_report)."""
    if not args and REPO / path in FIXTURE_FILES:
        return fixture_file_report(path)
    return netlint_json(path, *args)


def findings(path: str, *args: str) -> list[dict]:
    """The findings of ``linted_path(path, *args)``, which must have no error."""
    report, proc = linted_path(path, *args)
    assert not report["errors"], proc.stderr
    return report["findings"]


def only(path: str, target: str, code: str, *args: str) -> list[dict]:
    """Findings of one rule for one target (every target of ``path`` when ``target`` is empty)."""
    return [f for f in findings(path, *args)
            if (not target or f["target"].endswith("::" + target)) and f["code"] == code]


def params(*modules) -> int:
    """The parameter count of real modules (torch.nn), to check the counts a finding reports."""
    return sum(p.numel() for m in modules for p in m.parameters())
