"""``netlint daemon start|stop|status|restart``: the warm engine (netlint.server.engine)
for one project, behind a per-user, per-project Unix socket; and the client side, with
which ``netlint`` lints through a running daemon and falls back to a cold run when none
answers (no socket, a stale one, a dead or out-of-date daemon)."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import click

from netlint.server.engine import identity, receive, send

ANSWER_WITHIN = 5.0  # seconds for a daemon to take a request before netlint lints cold
START_WITHIN = 300.0  # seconds for a new daemon to import and warm up (a busy machine)


def project_root(start: Path) -> Path:
    """The project a working directory belongs to: the nearest folder at or above it with a
    pyproject.toml, setup.py or .git, else the folder itself."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ("pyproject.toml", "setup.py", ".git")):
            return folder
    return start


def socket_path(root: Path) -> Path:
    """In a folder only this user can enter: $XDG_RUNTIME_DIR/netlint, else /tmp/netlint-UID."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(runtime) / "netlint" if runtime and os.path.isdir(runtime) else Path(f"/tmp/netlint-{os.getuid()}")
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise OSError(f"{folder} is not private to this user; not using it")
    return folder / f"{hashlib.sha256(str(root).encode()).hexdigest()[:16]}.sock"


def _connect(path: Path, timeout: float = ANSWER_WITHIN) -> socket.socket | None:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    try:
        connection.connect(str(path))
    except OSError:  # no daemon, or a socket left by one that died
        connection.close()
        return None
    return connection


def _ask(path: Path, control: str) -> dict | None:
    connection = _connect(path)
    if connection is None:
        return None
    with connection:
        try:
            send(connection, {"control": control})
            return receive(connection)[0]
        except (OSError, ValueError):
            return None


def forward(argv: list[str]) -> int | None:
    """Run ``netlint ARGV`` in this project's daemon, if one answers: its exit code, or None
    to lint here (then nothing has been printed)."""
    if not hasattr(socket, "send_fds"):
        return None
    try:
        path = socket_path(project_root(Path.cwd()))
    except OSError:
        return None
    if not path.is_socket():
        return None
    connection = _connect(path)
    if connection is None:
        return None
    with connection:
        try:
            send(connection, {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ), "identity": identity()},
                 _streams())
            answer, _ = receive(connection)
        except (OSError, ValueError):  # it did not take the request in time: it never will
            return None
        if answer is None or "refused" in answer:
            if answer:
                print(f"netlint: not using the daemon: {answer['refused']}", file=sys.stderr)
            return None
        connection.settimeout(None)
        try:
            answer, _ = receive(connection)
        except (OSError, ValueError):
            answer = None
    if answer is None or "exit" not in answer:
        print("netlint: the daemon's lint ended without an answer (rerun with --no-daemon)", file=sys.stderr)
        return 2
    return answer["exit"]


def _streams() -> tuple[int, int, int]:
    """Standard input, output and error, /dev/null for any that is closed."""
    fds = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            fds.append(os.open(os.devnull, os.O_RDWR))
    return tuple(fds)


@click.group("daemon")
def daemon_command() -> None:
    """A warm netlint for this project: `netlint` uses it while it runs."""


def _here() -> tuple[Path, Path]:
    root = project_root(Path.cwd())
    try:
        return root, socket_path(root)
    except OSError as exc:
        raise click.ClickException(str(exc)) from exc


@daemon_command.command()
def start() -> None:
    """Start the daemon for the project of the working directory."""
    root, path = _here()
    status = _ask(path, "status")
    if status is not None:
        click.echo(f"netlint daemon already running for {root} (pid {status['pid']})")
        return
    log = path.with_suffix(".log")
    with open(log, "w", encoding="utf-8") as output:
        process = subprocess.Popen([sys.executable, "-m", "netlint.server.engine", str(path), str(root)],
                                   cwd=root, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                                   start_new_session=True)
    deadline = time.monotonic() + START_WITHIN
    while (status := _ask(path, "status")) is None:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            last = (log.read_text(encoding="utf-8", errors="replace").strip().splitlines() or ["no output"])[-1]
            raise click.ClickException(f"the daemon did not start ({last}; see {log})")
        time.sleep(0.05)
    click.echo(f"netlint daemon started for {root} (pid {status['pid']})")


@daemon_command.command()
def stop() -> None:
    """Stop the daemon of this project, if one runs."""
    root, path = _here()
    answer = _ask(path, "stop")
    if answer is None:
        click.echo(f"no netlint daemon for {root}")
        return
    pid = answer["stopping"]
    for _ in range(200):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    click.echo(f"netlint daemon stopped for {root} (pid {pid})")


@daemon_command.command()
def status() -> None:
    """Say whether a daemon runs for this project (exit 1 when none does)."""
    root, path = _here()
    answer = _ask(path, "status")
    if answer is None:
        click.echo(f"no netlint daemon for {root}")
        sys.exit(1)
    up = time.time() - answer["started"]
    stale = "" if answer["identity"] == identity() else "; out of date, not used: netlint daemon restart"
    click.echo(f"netlint daemon running for {root} (pid {answer['pid']}, up {up:.0f} s, "
               f"{answer['served']} lints{stale}; socket {path})")


@daemon_command.command()
@click.pass_context
def restart(ctx: click.Context) -> None:
    """Stop the daemon, then start a new one (after an upgrade)."""
    ctx.invoke(stop)
    ctx.invoke(start)

