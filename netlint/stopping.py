"""Ctrl-C and SIGTERM while netlint imports torch and waits on its workers: noted where they
arrive, acted upon where netlint can stop cleanly.

Python raises KeyboardInterrupt wherever the main thread happens to be when SIGINT comes.
Inside native code that runs Python (torch's import through pybind11, libcst's through pyo3)
the exception can be dropped, or end the process with SIGABRT ("terminate called after
throwing ... KeyboardInterrupt"); a dropped Ctrl-C left netlint running, waiting for workers
that never end (``--timeout 0``). In a ``stop_requests()`` block the signal only notes the
request and wakes the parent's wait up (``signal.set_wakeup_fd``); ``check()`` raises it
where netlint can stop: KeyboardInterrupt for Ctrl-C, SystemExit(143) for SIGTERM (a CI
job's timeout, ``kill``), so that the workers are stopped and the scratch folder removed.
Before the block (reading the config, discovery: pure Python) a Ctrl-C raises at once, as
usual, and is noted too: the block raises it again if it was dropped on the way.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_interrupted = False  # a Ctrl-C came since note_interrupts(), whatever became of its KeyboardInterrupt


def note_interrupts() -> None:
    """From here on (netlint's command line), Ctrl-C raises KeyboardInterrupt as Python's own
    handler does, and is also noted: where something dropped the exception (``except
    BaseException``, a C function that clears errors), the next ``stop_requests()`` raises it."""
    if threading.current_thread() is threading.main_thread() \
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)


def _interrupt(signum: int, frame) -> None:
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


class StopRequests:
    """The stop signals received in a ``stop_requests()`` block. ``fileno()`` becomes readable
    when one comes (for ``select`` and ``multiprocessing.connection.wait``)."""

    def __init__(self, reader: int) -> None:
        self.reader = reader
        self.received: set[int] = set()

    def fileno(self) -> int:
        return self.reader

    def note(self, signum: int, frame) -> None:
        self.received.add(signum)

    def check(self) -> None:
        """Raise what a stop signal asked for, if one came."""
        with contextlib.suppress(OSError):  # (nothing to read, or the pipe is closed)
            # the wakeup pipe holds a byte per signal with a Python handler, whichever thread took it
            self.received.update(number for number in os.read(self.reader, 4096) if number in SIGNALS)
        if signal.SIGTERM in self.received:
            raise SystemExit(128 + signal.SIGTERM)
        if signal.SIGINT in self.received or _interrupted:
            raise KeyboardInterrupt


_active: StopRequests | None = None
_pipe: tuple[int, int] | None = None


@contextlib.contextmanager
def stop_requests() -> Iterator[StopRequests | None]:
    """In the block, Ctrl-C and SIGTERM are noted instead of raised wherever the code is; at
    its end (or at a ``check()`` in it) they are raised. Nested blocks share the outer one's
    requests. None outside the main thread, where signals cannot be handled (nothing changes)."""
    global _active, _pipe
    if _active is not None:
        yield _active
        return
    if threading.current_thread() is not threading.main_thread():
        yield None
        return
    reader, writer = _pipe = os.pipe()
    os.set_blocking(reader, False)
    os.set_blocking(writer, False)
    stop = _active = StopRequests(reader)
    previous_fd = signal.set_wakeup_fd(writer, warn_on_full_buffer=False)
    # (a signal netlint was started with ignored, as a background job's Ctrl-C, stays ignored)
    previous = {number: signal.signal(number, stop.note) for number in SIGNALS
                if signal.getsignal(number) is not signal.SIG_IGN}
    for number in previous:  # native code in the middle of a read (MKL loading its libraries) does
        signal.siginterrupt(number, False)  # not see it fail with EINTR: the call goes on
    try:
        stop.check()  # a Ctrl-C that came before, and was dropped
        yield stop
        stop.check()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(previous_fd)
        os.close(reader)
        os.close(writer)
        _active = _pipe = None


def _forget_in_child() -> None:
    """A process forked in a block (a worker) does not write into, nor keep open, the parent's
    pipe; its own signal handlers are set by whoever forked it."""
    global _active, _pipe, _interrupted
    _interrupted = False
    if _pipe is not None:
        with contextlib.suppress(ValueError):  # (forked from another thread: it is the main one now)
            signal.set_wakeup_fd(-1)
        for fd in _pipe:
            os.close(fd)
        _active = _pipe = None


if hasattr(os, "register_at_fork"):  # (not on Windows, where nothing forks)
    os.register_at_fork(after_in_child=_forget_in_child)
