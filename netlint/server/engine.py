"""The warm engine behind ``netlint daemon`` and ``netlint server``: a process that has
imported torch, netlint's rules and capture, libcst and the libraries the project's models
import, and lints each request in a child forked from it.

A request is a ``netlint`` command line, its working directory and environment, sent over
a Unix socket with the client's standard input, output and error attached (SCM_RIGHTS):
the child runs the command line exactly as a cold ``netlint`` would, writing to the
client's own streams, and answers with its exit code. So the report is the cold run's,
byte for byte; a crash in user code ends the child (or, as in a cold run, one of its
workers), never the engine; and no user module is ever reused between requests, because
the engine itself never imports one. When the client goes away mid-request, its child
(with its workers) is killed; when the engine is killed, its children end with it, and an
engine told to stop lets the lints under way finish.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import io
import os
import select
import signal
import socket
import sys
import time
import warnings
from pathlib import Path

from netlint import __version__
from netlint.isolation import die_with_parent
from netlint.server.protocol import STREAMS, identity, receive, send
from netlint.source import read_source


def prepare(root: Path) -> None:
    """Import and warm up what a lint needs, so that each request's child starts warm."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        import torch  # noqa: F401

        import netlint.cli  # noqa: F401
        from netlint.load.sandbox import sandbox
        from netlint.pipeline import prepare as prepare_lint

        prepare_lint()
        with sandbox(None):  # offline and writing nothing, as when a worker imports them
            for name in sorted(_libraries_imported(root)):
                with contextlib.suppress(Exception):
                    importlib.import_module(name)


def _libraries_imported(root: Path, limit: int = 2000) -> set[str]:
    """The installed packages that the project's files importing torch import (torchvision,
    timm, ...): never the project's own modules, which only a request's child may import."""
    from netlint.project import python_files
    from netlint.user_code import is_library_file

    names: set[str] = set()
    for i, path in enumerate(python_files(root)):
        if i == limit:
            break
        try:
            text = read_source(path)
            tree = ast.parse(text) if "torch" in text else None
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.partition(".")[0])
    found = set()
    for name in names - set(sys.modules):
        with contextlib.suppress(Exception):
            spec = importlib.util.find_spec(name)
            if spec and spec.origin and spec.origin.endswith(".py") and is_library_file(spec.origin):
                found.add(name)
    return found


class Engine:
    """Serves requests on ``path`` until told to stop, or until the socket file is gone."""

    def __init__(self, path: Path, root: Path, parent: int | None = None) -> None:
        """Listens on ``path`` (call it once prepared: until then clients lint cold); with
        ``parent``, serves only while that process lives (the language server's engine)."""
        self.path, self.root, self.parent = path, root, parent
        self.identity = identity()
        self.started = time.time()
        self.served = 0
        self.children: dict[int, socket.socket] = {}  # pid -> its client's connection
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        previous = os.umask(0o177)  # the socket is the user's alone (0600)
        try:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # a stale socket: whoever started this engine checked that none answered
            self.listener.bind(str(path))
        finally:
            os.umask(previous)
        self.inode = path.stat().st_ino
        self.listener.listen(16)
        self.running = True

    def serve(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "running", False))
        import gc

        gc.collect()
        gc.freeze()  # the children share the warm engine's pages instead of copying them
        while self.running and self._socket_is_mine() and self.parent in (None, os.getppid()):
            self._step(accepting=True)
        with contextlib.suppress(FileNotFoundError):
            if self._socket_is_mine():
                self.path.unlink()
        while self.children:  # the lints under way finish (a child dies with the engine: see _answer)
            self._step(accepting=False)

    def _step(self, accepting: bool) -> None:
        clients = {connection: pid for pid, connection in self.children.items()}
        readable, _, _ = select.select([*([self.listener] if accepting else []), *clients], [], [], 1.0)
        for ready in readable:
            if ready is self.listener:
                self._accept()
            else:  # the client closed its end: done, or it gave up (then its lint stops)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(clients[ready], signal.SIGKILL)
        self._reap()

    def _socket_is_mine(self) -> bool:
        try:
            return self.path.stat().st_ino == self.inode
        except OSError:
            return False

    def _reap(self) -> None:
        for pid in list(self.children):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                self.children.pop(pid).close()

    def _accept(self) -> None:
        connection, _ = self.listener.accept()
        fds: list[int] = []
        try:
            request, fds = receive(connection, with_fds=True)
            if request is not None and self._answer(connection, request, fds):
                return  # a child has the connection now
        except (OSError, ValueError):  # a client that went away, or not a netlint client
            pass
        finally:
            for fd in fds:  # (the child has its own copies)
                os.close(fd)
        connection.close()

    def _answer(self, connection: socket.socket, request: dict, fds: list[int]) -> bool:
        """Answer a request; true when a child was forked to run it."""
        control = request.get("control")
        if control == "status":
            send(connection, {"pid": os.getpid(), "root": str(self.root), "started": self.started,
                              "served": self.served, "identity": self.identity, "version": __version__})
        elif control == "stop":
            send(connection, {"stopping": os.getpid()})
            self.running = False
        elif request.get("identity") != self.identity:
            send(connection, {"refused": "it runs another netlint or Python environment, or an older "
                                         "install of the packages (netlint daemon restart)"})
        elif len(fds) == STREAMS and not _closed(connection):  # (a client that waited too long ran cold)
            send(connection, {"accepted": os.getpid()})
            self.served += 1
            sys.stdout.flush(), sys.stderr.flush()
            engine = os.getpid()
            pid = os.fork()
            if pid == 0:
                self.listener.close()
                os.setpgid(0, 0)  # its workers die with it when its client gives up
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                die_with_parent(engine)  # an engine that is killed leaves no lint running
                _run(request, fds, connection)  # never returns
            self.children[pid] = connection
            return True
        return False


def _closed(connection: socket.socket) -> bool:
    readable, _, _ = select.select([connection], [], [], 0)
    return bool(readable) and not connection.recv(1, socket.MSG_PEEK)


def _run(request: dict, fds: list[int], connection: socket.socket) -> None:
    """In the child: the request's command line, as ``netlint`` run by the client."""
    code = 2
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        sys.stdin = open(0, encoding=sys.stdin.encoding, closefd=False)
        sys.stdout = open(1, "w", encoding=sys.stdout.encoding, errors=sys.stdout.errors, closefd=False)
        sys.stderr = open(2, "w", encoding=sys.stderr.encoding, errors="backslashreplace", closefd=False)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["netlint", *request["argv"]]
        from netlint.cli import run

        code = run()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException as exc:  # noqa: BLE001 — a bug in netlint: the client says so
        with contextlib.suppress(Exception):
            print(f"netlint: internal error in the daemon: {type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
            send(connection, {"exit": code})
        os._exit(0)


def main() -> None:
    """``python -m netlint.server.engine SOCKET ROOT [PARENT]``: what the daemon and the
    server (which passes its pid) start."""
    path, root = Path(sys.argv[1]), Path(sys.argv[2])
    parent = int(sys.argv[3]) if len(sys.argv) > 3 else None
    prepare(root)
    Engine(path, root, parent).serve()


if __name__ == "__main__":
    main()
