"""``netlint daemon``: started for a project, it serves ``netlint`` there with the report
of a cold run; a daemon killed without stopping leaves a socket that netlint ignores."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_server import CRASH, MODEL


def _netlint(*args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "netlint", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def _served(cwd: Path, env: dict) -> int:
    status = _netlint("daemon", "status", cwd=cwd, env=env)
    assert status.returncode == 0, status.stdout + status.stderr
    return int(status.stdout.split(" lints")[0].rpartition(" ")[2])


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    (root / "models").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.netlint]\nignore = ['NL401']\n")
    (root / "models" / "model.py").write_text(MODEL)
    (root / "models" / "crash.py").write_text(CRASH)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    (tmp_path / "run").mkdir()
    yield root, env
    _netlint("daemon", "stop", cwd=root, env=env)


def test_the_daemon_gives_the_cold_report(project):
    root, env = project
    started = _netlint("daemon", "start", cwd=root, env=env)
    assert started.returncode == 0 and started.stdout.startswith(f"netlint daemon started for {root} (pid ")
    assert _served(root, env) == 0
    socket, = (Path(env["XDG_RUNTIME_DIR"]) / "netlint").glob("*.sock")
    assert stat.S_IMODE(socket.stat().st_mode) == 0o600 and stat.S_IMODE(socket.parent.stat().st_mode) == 0o700

    for args in (["models"], ["models/model.py", "--output-format", "json"], ["--output-format", "concise"]):
        warm = _netlint(*args, cwd=root / "models" if args[0] == "--output-format" else root, env=env)
        cold = _netlint(*args, "--no-daemon", cwd=root / "models" if args[0] == "--output-format" else root, env=env)
        assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    assert warm.returncode == 2 and "SIGSEGV" in warm.stdout + warm.stderr  # crash.py: its model alone fails
    assert _served(root, env) == 3  # the three warm runs, not the --no-daemon ones, and it survived crash.py
    elsewhere = _netlint("models/model.py", cwd=root, env={**env, "PYTHONPATH": str(root / "other")})
    assert elsewhere.stderr.startswith("netlint: not using the daemon: it runs another netlint or Python")
    assert elsewhere.returncode == 1 and "NL102" in elsewhere.stdout and _served(root, env) == 3
    assert "already running" in _netlint("daemon", "start", cwd=root, env=env).stdout

    stopped = _netlint("daemon", "stop", cwd=root, env=env)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert _netlint("daemon", "status", cwd=root, env=env).returncode == 1
    assert not socket.exists()


def test_a_killed_daemon_is_bypassed(project):
    root, env = project
    assert _netlint("daemon", "start", cwd=root, env=env).returncode == 0
    pid = int(_netlint("daemon", "status", cwd=root, env=env).stdout.split("(pid ")[1].split(",")[0])
    os.kill(pid, signal.SIGKILL)
    while Path(f"/proc/{pid}").exists() and Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z":
        time.sleep(0.05)
    socket, = (Path(env["XDG_RUNTIME_DIR"]) / "netlint").glob("*.sock")  # left behind
    bypassed = _netlint("models/model.py", cwd=root, env=env)
    cold = _netlint("models/model.py", "--no-daemon", cwd=root, env=env)
    assert (bypassed.returncode, bypassed.stdout, bypassed.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    assert bypassed.returncode == 1 and "NL102" in bypassed.stdout
    assert _netlint("daemon", "status", cwd=root, env=env).returncode == 1
    assert _netlint("daemon", "start", cwd=root, env=env).returncode == 0  # over the stale socket
    assert _served(root, env) == 0
