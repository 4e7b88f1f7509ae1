"""The sandbox user code runs in while netlint imports and builds it.

Inside: ``sys.argv`` is ``[the file]`` (argparse sees its defaults), standard input is
empty (a prompt fails at once), what the code prints is kept for ``-v`` instead of reaching
the report, and no bytecode is written. A PEP 578 audit hook refuses file writes (outside
netlint's own scratch folder), new processes and network connections while the sandbox is
active; audit hooks cannot be removed, so one hook is installed once and a flag turns it on.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from netlint.scratch import scratch_folder

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
_PATH_WRITES = {  # audit event -> positions of the paths it changes
    "os.mkdir": (0,), "os.remove": (0,), "os.rmdir": (0,), "os.rename": (0, 1), "os.link": (1,),
    "os.symlink": (1,), "os.truncate": (0,), "os.chmod": (0,), "os.chown": (0,), "os.utime": (0,),
    "os.chflags": (0,), "os.setxattr": (0,), "os.removexattr": (0,), "shutil.rmtree": (0,),
    "shutil.copyfile": (1,), "shutil.make_archive": (0,), "shutil.unpack_archive": (1,),
}
_PROCESSES = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
              "os.forkpty", "pty.spawn", "os.startfile", "_winapi.CreateProcess"}
_NETWORK = {"socket.connect", "socket.getaddrinfo", "socket.bind", "socket.sendto", "socket.sendmsg"}
_ARGPARSE_ERROR = re.compile(r"^\S+: error: ")
_HF_OFFLINE = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


class Refused(PermissionError):
    """An action of the linted code that the sandbox does not allow (an OSError, so that code
    which copes with a read-only folder copes with this too)."""


class OfflineError(Refused):
    """A network connection, or a download, refused."""


class _State:
    active = False
    hooked = False
    scratch: str | None = None  # the one folder user code may write to (netlint's, temporary)
    printed: io.StringIO | None = None
    refusals: list[str] = []  # every refusal, in order, also those the user's code caught


def _allowed_path(path) -> bool:
    if isinstance(path, int):  # an already open file descriptor
        return True
    name = os.path.abspath(os.fsdecode(path))
    if name == os.devnull:
        return True
    return _State.scratch is not None and (name + os.sep).startswith(_State.scratch + os.sep)


def may_write(path) -> bool:
    """Whether linted code may write at ``path`` now: always outside the sandbox, else in its scratch folder."""
    return not _State.active or _allowed_path(path)


def _audit(event: str, args: tuple) -> None:
    if not _State.active:
        return
    if event == "open":
        path, mode, flags = args
        writes = any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & _WRITE_FLAGS)
        if writes and path is not None and not _allowed_path(path):
            _refuse(Refused, f"netlint refused to write {os.fsdecode(path)!r}: linted code may not write files")
    elif event in _PATH_WRITES:
        for position in _PATH_WRITES[event]:
            if position < len(args) and args[position] is not None and not _allowed_path(args[position]):
                action = event.split(".")[1]
                _refuse(Refused, f"netlint refused {action} of {os.fsdecode(args[position])!r}: "
                                 "linted code may not change files")
    elif event in _PROCESSES:
        _refuse(Refused, f"netlint refused to start a process ({event}{_command(args)}): "
                         "linted code may not run programs")
    elif event in _NETWORK:
        _refuse(OfflineError, "netlint is offline: a network connection was attempted")


def _refuse(error: type[Refused], message: str) -> None:
    _State.refusals.append(message)
    raise error(message)


def refusals() -> list[str]:
    """Every action refused so far (also those that the user's code caught and went on)."""
    return _State.refusals


def _command(args: tuple) -> str:
    for arg in args:
        if isinstance(arg, (str, bytes, os.PathLike)):
            return f" {os.fsdecode(arg)!r}"
        if isinstance(arg, (list, tuple)) and arg:
            return f" {' '.join(map(str, arg))!r}"
    return ""


def _refused_save(save):
    def save_without_writing(obj, f, *args, **kwargs):
        if isinstance(f, (str, bytes, os.PathLike)) and _State.active and not _allowed_path(f):
            _refuse(Refused, f"netlint refused torch.save to {os.fsdecode(f)!r}: linted code may not write files")
        return save(obj, f, *args, **kwargs)

    save_without_writing.__wrapped__ = save
    return save_without_writing


def _guard_native_writers() -> None:
    """torch.save writes through C++, which raises no audit event."""
    torch = sys.modules.get("torch")
    if torch is not None and not hasattr(torch.save, "__wrapped__"):
        torch.save = torch.serialization.save = _refused_save(torch.save)


def _discarding_open(original):
    """A logging file the sandbox would refuse (``logging.FileHandler('logs.txt', mode='w')``
    in a logger set up at import): its records are discarded, so the setup completes and the
    logger it returns is defined (``log = get_logger()``)."""

    def open_or_discard(handler):
        if _State.active and not _allowed_path(handler.baseFilename):
            return open(os.devnull, "a", encoding=handler.encoding)
        return original(handler)

    return open_or_discard


def printed() -> str:
    """What user code printed in the sandbox so far."""
    return _State.printed.getvalue() if _State.printed is not None else ""


def exit_reason(exc: SystemExit) -> str:
    """Why linted code called ``sys.exit``: its message, else the last line it printed."""
    if isinstance(exc.code, str):
        return exc.code
    lines = [line for line in printed().splitlines() if line.strip()]
    if lines:  # argparse prints "prog: error: the following arguments are required: ..."
        return _ARGPARSE_ERROR.sub("", lines[-1].strip())
    return f"sys.exit({exc.code!r})" if exc.code is not None else "sys.exit()"


@contextlib.contextmanager
def sandbox(file: Path | None, scratch: str | None = None) -> Iterator[io.StringIO]:
    """Run the block as linted code: ``file`` is what ``sys.argv[0]`` names, ``scratch`` the
    one folder it may write to (where ``tempfile`` and caches go; a temporary folder of its
    own when not given). Yields what the code prints."""
    if scratch is None:
        with scratch_folder() as scratch, sandbox(file, scratch) as output:
            yield output
        return
    if not _State.hooked:
        sys.addaudithook(_audit)
        _State.hooked = True
    _guard_native_writers()
    saved = (sys.argv, sys.stdin, sys.stdout, sys.stderr, sys.dont_write_bytecode, tempfile.tempdir,
             _State.scratch, _State.printed, _State.active)
    # caches go to the scratch folder, so that a JIT extension build gets as far as its compiler
    environment = {**{name: "1" for name in _HF_OFFLINE}, "MPLCONFIGDIR": scratch, "TORCH_EXTENSIONS_DIR": scratch,
                   "TORCH_HOME": os.path.join(scratch, "torch")}  # (a project's own weights cache: ~/.torch)
    saved_environment = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    sys.argv = [str(file) if file else "netlint"]
    sys.stdin = io.StringIO("")  # input() raises EOFError at once
    output = _State.printed = sys.stdout = sys.stderr = io.StringIO()
    sys.dont_write_bytecode = True
    tempfile.tempdir = _State.scratch = os.path.realpath(scratch)
    _State.active = True
    logging_open = logging.FileHandler._open
    logging.FileHandler._open = _discarding_open(logging_open)
    try:
        yield output
    finally:
        _State.active = False
        logging.FileHandler._open = logging_open
        (sys.argv, sys.stdin, sys.stdout, sys.stderr, sys.dont_write_bytecode, tempfile.tempdir,
         _State.scratch, _State.printed, _State.active) = saved
        for name, value in saved_environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
