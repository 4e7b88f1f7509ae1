"""What a client and the warm engine say to each other: one JSON line each way over a Unix
socket, the request carrying the client's standard streams; and what must match between
them for the engine's report to be the cold run's."""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

from netlint import __version__

STREAMS = 3  # the client's stdin, stdout and stderr travel with each request


def identity() -> str:
    """What must match between a client and the engine for the engine's answer to be the
    cold run's: netlint's version and code, the interpreter, and the installed packages."""
    import importlib.util

    package = Path(__file__).resolve().parent.parent
    rules = importlib.util.find_spec("netlint.rules").submodule_search_locations  # (elsewhere when editable)
    folders = {package, *package.iterdir(), *map(Path, rules)}
    newest = max((entry.stat().st_mtime_ns for folder in folders if folder.is_dir()
                  for entry in os.scandir(folder) if entry.name.endswith(".py")), default=0)
    installed = [f"{path}:{_mtime(path)}" for path in sys.path[1:]]  # [0] is the script's or working folder
    return json.dumps([__version__, sys.executable, newest, os.environ.get("PYTHONPATH", ""), installed])


def _mtime(path: str) -> int:
    try:
        return os.stat(path or ".").st_mtime_ns
    except OSError:
        return 0


def send(connection: socket.socket, message: dict, fds: tuple[int, ...] = ()) -> None:
    data = (json.dumps(message) + "\n").encode()
    sent = socket.send_fds(connection, [data], list(fds)) if fds else 0
    if sent < len(data):  # (an empty send to a peer that has answered and closed raises EPIPE)
        connection.sendall(data[sent:])


def receive(connection: socket.socket, with_fds: bool = False) -> tuple[dict | None, list[int]]:
    """The next message (None when the other side closed first) and the descriptors it brought."""
    chunks, fds = [], []
    while not chunks or not chunks[-1].endswith(b"\n"):
        if with_fds and not fds:
            data, received, _, _ = socket.recv_fds(connection, 1 << 16, STREAMS)
            fds += received
        else:
            data = connection.recv(1 << 16)
        if not data:
            for fd in fds:
                os.close(fd)
            return None, []
        chunks.append(data)
    return json.loads(b"".join(chunks)), fds
