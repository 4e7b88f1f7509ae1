"""The client side of ``netlint daemon``: where a project's daemon listens, and ``forward``,
with which ``netlint`` lints through it and falls back to a cold run when none answers (no
socket, a stale one, a dead or out-of-date daemon). Every ``netlint`` run imports this
first: what talks to a daemon is imported once a socket is there."""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

from netlint.project import marked_folder

ANSWER_WITHIN = 5.0  # seconds for a daemon to take a request before netlint lints cold


def project_root(start: Path) -> Path:
    """The project a working directory belongs to: the nearest folder at or above it with a
    pyproject.toml, setup.py or .git, else the folder itself."""
    start = start.resolve()
    return marked_folder(start) or start


def runtime_folder() -> Path:
    """Where the sockets are: $XDG_RUNTIME_DIR/netlint, else /tmp/netlint-UID."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return Path(runtime) / "netlint" if runtime and os.path.isdir(runtime) else Path(f"/tmp/netlint-{os.getuid()}")


def socket_path(root: Path) -> Path:
    """The project's socket (a checksum names it: any daemon answers a request as a cold
    run would, so two projects sharing one would lose only its warm libraries)."""
    return runtime_folder() / f"{zlib.crc32(str(root).encode()):08x}.sock"


def is_private(folder: Path) -> bool:
    """Only this user can enter it (so only this user's daemon can listen in it)."""
    info = folder.lstat()
    return info.st_uid == os.getuid() and not info.st_mode & 0o077


def connect(path: Path, timeout: float = ANSWER_WITHIN):
    """A connected socket, or None."""
    import socket

    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    try:
        connection.connect(str(path))
    except OSError:  # no daemon, or a socket left by one that died
        connection.close()
        return None
    return connection


def ask(path: Path, control: str) -> dict | None:
    """A daemon's answer to ``status`` or ``stop``; None when none answers."""
    from netlint.server.protocol import receive, send

    connection = connect(path)
    if connection is None:
        return None
    with connection:
        try:
            send(connection, {"control": control})
            return receive(connection)[0]
        except (OSError, ValueError):
            return None


class NotTaken(Exception):
    """The engine did not take the request: none answered in time, or it refused (the
    message says why)."""


def run_on(path: Path, argv: list[str], cwd: str | Path, streams: tuple[int, int, int],
           timeout: float | None = ANSWER_WITHIN) -> int | None:
    """The exit code of ``netlint ARGV`` run in ``cwd`` by the engine listening on ``path``,
    writing to ``streams``; None when it took the request but ended without answering.
    Raises NotTaken when it did not take it within ``timeout``."""
    from netlint.server.protocol import identity, receive, send

    connection = connect(path, timeout)
    if connection is None:
        raise NotTaken("")
    with connection:
        try:
            send(connection, {"argv": argv, "cwd": str(cwd), "env": dict(os.environ), "identity": identity()},
                 streams)
            answer, _ = receive(connection)
        except (OSError, ValueError) as exc:  # it did not take the request in time: it never will
            raise NotTaken("") from exc
        if answer is None or "accepted" not in answer:
            raise NotTaken((answer or {}).get("refused", ""))
        connection.settimeout(None)  # the lint takes as long as it takes
        try:
            answer, _ = receive(connection)
        except (OSError, ValueError):
            return None
    return answer["exit"] if answer and "exit" in answer else None


def forward(argv: list[str]) -> int | None:
    """Run ``netlint ARGV`` in this project's daemon, if one answers: its exit code, or None
    to lint here (then nothing has been printed)."""
    path = socket_path(project_root(Path.cwd()))
    try:
        if not path.is_socket() or not is_private(path.parent):
            return None
    except OSError:
        return None
    try:
        code = run_on(path, argv, os.getcwd(), _streams())
    except NotTaken as refused:
        if str(refused):
            print(f"netlint: not using the daemon: {refused}", file=sys.stderr)
        return None
    except KeyboardInterrupt:  # closing the connection stops the lint in the daemon
        print("Aborted.", file=sys.stderr)
        return 130  # as a Ctrl-C of a lint here (command_line.EXIT_INTERRUPTED)
    if code is None:
        print("netlint: the daemon's lint ended without an answer (rerun with --no-daemon)", file=sys.stderr)
        return 2
    return code


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
