"""Targets of any length, and workers that never outlive their work: whatever threads,
exit or signal handlers the user's code leaves, however long its import or forward runs,
and however netlint is stopped (Ctrl-C, SIGTERM, SIGKILL). tests/lifetime holds the files."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_netlint

LIFETIME = Path(__file__).resolve().parent / "lifetime"


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(LIFETIME, root)
    return root


def report_of(proc: subprocess.CompletedProcess) -> dict:
    assert proc.stdout, proc.stderr
    return json.loads(proc.stdout)


WIDTHS = [8 + i % 5 for i in range(40)]
NAMES = [f"class/{i}: “tag” \\ {i}" for i in range(12)]
LONG_TARGETS = [f"{prefix}Tagger(3, widths={WIDTHS}, names={NAMES})"
                for prefix in ("long_arguments.py::", "long_arguments:")]


@pytest.fixture(scope="module")
def long_targets(tmp_path_factory) -> subprocess.CompletedProcess:
    """A file target and a module target, each longer than a file name may be, linted in one run."""
    root = tmp_path_factory.mktemp("long") / "repo"
    shutil.copytree(LIFETIME, root)
    return run_netlint(*LONG_TARGETS, "--output-format", "json", cwd=root)


@pytest.mark.parametrize("target", LONG_TARGETS, ids=["file", "module"])
def test_a_target_longer_than_a_file_name_is_linted(long_targets, target):
    assert len(target) > 300
    assert long_targets.returncode == 0, long_targets.stderr
    models = {model["target"]: model for model in report_of(long_targets)["models"]}
    assert list(models) == LONG_TARGETS
    convs = sum(c_in * c_out * 9 + c_out for c_in, c_out in zip([3, *WIDTHS], WIDTHS))
    assert models[target]["params"] == convs + WIDTHS[-1] * len(NAMES) + len(NAMES)


def test_a_long_target_that_does_not_build_is_one_clear_error(project):
    target = f"long_arguments.py::Tagger(3, widths={list(range(1, 90))}, labels=['cat', 'dog'])"
    assert len(target) > 300
    proc = run_netlint(target, cwd=project)
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "labels" in errors[0], proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


def test_threads_and_handlers_left_at_import_do_not_keep_netlint_running(project):
    # prefetcher.py and watcher.py leave non-daemon threads running forever (watcher.py also an
    # exit handler that joins its thread and a SIGTERM handler that ignores it); with one worker,
    # each file after them is analyzed as well
    proc = run_netlint("prefetcher.py", "watcher.py", "endless_forward.py::Encoder", "--timeout", "10",
                       "-j", "1", "--output-format", "json", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert [m["target"] for m in report_of(proc)["models"]] == [
        "prefetcher.py::Denoiser", "watcher.py::Classifier", "endless_forward.py::Encoder"]


def test_a_forward_that_never_ends_is_stopped_by_the_timeout(project):
    proc = run_netlint("endless_forward.py", "--timeout", "5", "--output-format", "json", cwd=project)
    assert proc.returncode == 2
    report = report_of(proc)
    assert [m["target"] for m in report["models"]] == ["endless_forward.py::Encoder"]
    assert [(e["target"], e["message"]) for e in report["errors"]] == [
        ("endless_forward.py::Refiner", "took longer than 5 s (--timeout)")]


def test_an_import_that_turns_the_alarm_off_is_stopped_by_the_parent(project):
    proc = run_netlint("deaf_import.py", "endless_forward.py::Encoder", "--timeout", "3", "-j", "2",
                       "--output-format", "json", cwd=project)
    assert proc.returncode == 2
    report = report_of(proc)
    assert [m["target"] for m in report["models"]] == ["endless_forward.py::Encoder"]
    assert [(e["target"], e["message"]) for e in report["errors"]] == [
        ("deaf_import.py", "took longer than 3 s (--timeout) and was stopped while importing deaf_import.py")]


def living_members(group: int) -> set[int]:
    """The processes of a process group that are not dead (zombies are)."""
    return {pid for pid, (state, _, pgrp) in _processes().items() if pgrp == group and state != "Z"}


def workers_of(netlint: int) -> set[int]:
    """Its children forked from it (not a program it ran while starting, as ldconfig)."""
    try:
        command = Path(f"/proc/{netlint}/cmdline").read_bytes()
    except OSError:  # it ended
        return set()
    workers = set()
    for pid, (state, parent, _) in _processes().items():
        try:
            if parent == netlint and state != "Z" and Path(f"/proc/{pid}/cmdline").read_bytes() == command:
                workers.add(pid)
        except OSError:  # it ended meanwhile
            continue
    return workers


def _processes() -> dict[int, tuple[str, int, int]]:
    """pid -> (state, parent pid, process group) of every process."""
    processes = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent, group = stat.read_text().rpartition(") ")[2].split()[:3]
        except (OSError, ValueError):  # it ended meanwhile
            continue
        processes[int(stat.parent.name)] = state, int(parent), int(group)
    return processes


def importing_torch(pid: int) -> bool:
    try:
        return "libtorch" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:  # it ended
        return False


@pytest.mark.parametrize("stop, when", [("SIGKILL", "workers"), ("SIGTERM", "workers"), ("Ctrl-C", "workers"),
                                        ("Ctrl-C", "importing torch")])
def test_a_stopped_netlint_leaves_no_worker_and_no_scratch(project, tmp_path, stop, when):
    # two workers, each busy for ever (no --timeout): one in a forward, one in an import; or
    # before any worker, in the middle of torch's import (whose native code once swallowed a
    # Ctrl-C: netlint then went on, and waited for ever on its workers)
    temporary = tmp_path / "tmp"  # where netlint's scratch folders go
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    # its own process group, what a terminal's Ctrl-C reaches, and Ctrl-C handled as in a terminal's
    # foreground job (tests run as a background job inherit SIGINT ignored: netlint would rightly ignore it)
    netlint = subprocess.Popen(
        [sys.executable, "-m", "netlint", "endless_forward.py::Refiner", "deaf_import.py", "--timeout", "0",
         "-j", "2"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True, preexec_fn=functools.partial(signal.signal, signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 300
        while not (len(workers_of(netlint.pid)) == 2 if when == "workers" else importing_torch(netlint.pid)):
            assert netlint.poll() is None and time.monotonic() < deadline, netlint.communicate()
            time.sleep(0.2 if when == "workers" else 0.01)
        if stop == "Ctrl-C":
            os.killpg(netlint.pid, signal.SIGINT)
        else:
            os.kill(netlint.pid, getattr(signal, stop))
        _, stderr = netlint.communicate(timeout=120)
        deadline = time.monotonic() + 60
        while living_members(netlint.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert living_members(netlint.pid) == set()
    finally:
        if netlint.poll() is None or living_members(netlint.pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(netlint.pid, signal.SIGKILL)
    expected = {"SIGKILL": -signal.SIGKILL, "SIGTERM": 128 + signal.SIGTERM, "Ctrl-C": 128 + signal.SIGINT}
    assert netlint.returncode == expected[stop], stderr
    assert "Traceback" not in stderr
    if stop == "Ctrl-C":
        assert stderr.strip().endswith("Aborted.")
    if stop == "SIGKILL":  # its scratch folder is left: the next netlint removes it
        assert [p.name.startswith("netlint-scratch-") for p in temporary.iterdir()] == [True]
        proc = run_netlint("endless_forward.py::Encoder", cwd=project, env=env)
        assert proc.returncode == 0, proc.stderr
    assert list(temporary.iterdir()) == []


def test_the_daemon_lints_a_file_that_leaves_threads_and_serves_on(project, tmp_path):
    (project / "pyproject.toml").write_text("[project]\nname = 'lifetime'\n")
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    (tmp_path / "run").mkdir()
    assert run_netlint("daemon", "start", cwd=project, env=env).returncode == 0
    try:
        for _ in range(2):  # the second lint is served by the same daemon
            proc = run_netlint("prefetcher.py", "watcher.py", "--timeout", "10", "--output-format", "json",
                               cwd=project, env=env)
            assert proc.returncode == 0, proc.stderr
            assert [m["target"] for m in report_of(proc)["models"]] == [
                "prefetcher.py::Denoiser", "watcher.py::Classifier"]
        status = run_netlint("daemon", "status", cwd=project, env=env)
        assert status.returncode == 0 and " 2 lints" in status.stdout, status.stdout
    finally:
        run_netlint("daemon", "stop", cwd=project, env=env)


def test_a_killed_daemon_leaves_no_lint_running(project, tmp_path):
    (project / "pyproject.toml").write_text("[project]\nname = 'lifetime'\n")
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    (tmp_path / "run").mkdir()
    assert run_netlint("daemon", "start", cwd=project, env=env).returncode == 0
    status = run_netlint("daemon", "status", cwd=project, env=env).stdout
    engine = int(status.split("(pid ")[1].split(",")[0])
    client = subprocess.Popen([sys.executable, "-m", "netlint", "endless_forward.py::Refiner", "--timeout", "0"],
                              cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lint = None
    try:
        deadline = time.monotonic() + 300
        while lint is None:  # the engine's child running the lint, once it has its worker
            assert client.poll() is None and time.monotonic() < deadline, client.communicate()
            lint = next((pid for pid, (_, parent, _) in _processes().items() if parent == engine and workers_of(pid)),
                        None)
            time.sleep(0.2)
        os.kill(engine, signal.SIGKILL)
        _, stderr = client.communicate(timeout=120)
        deadline = time.monotonic() + 60
        while living_members(lint) and time.monotonic() < deadline:  # (the child leads its own group)
            time.sleep(0.2)
        assert living_members(lint) == set()
        assert client.returncode == 2 and "the daemon's lint ended without an answer" in stderr
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(engine, signal.SIGKILL)
        if lint is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(lint, signal.SIGKILL)
        client.kill()
