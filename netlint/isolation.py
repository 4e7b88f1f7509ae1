"""Analyze files in worker processes forked from the warm netlint process (Linux), ``jobs``
at a time, so that user code that ends its process (``os._exit``, a crash in native code,
the OOM killer) or hangs where no signal reaches it fails only its own file or model.

A worker analyzes one file after another: ``analyze_file(work)`` is a generator of events
about the file's targets, each sent to the parent: ``("importing", i, text)`` and
``("analyzing", i, text)`` when target ``i`` starts a step, ``("part", i, LintResult)`` when
it is done. After a file, the worker forgets the user's modules it imported (installed
libraries stay imported, for the next file), so no file sees another's modules. If a worker
dies while analyzing a model, that model fails and a new worker goes on with the rest of
the file; if it dies while importing, the file fails once. Results keep the order of the
work whatever the number of jobs. (A fork costs tens of milliseconds once torch is
imported: one per worker, not one per file.)

A file that holds more than a worker's share of all the targets (a model zoo: one module
naming dozens of models) is cut into consecutive chunks, each imported by the worker that
analyzes it: otherwise the other workers would sit idle while one worker goes through the
zoo. A worker keeps the installed libraries it imported, so a library is imported once per
worker, not once per chunk or model.

A worker never outlives its work or netlint: it ends with ``os._exit`` (no wait for the
threads or exit handlers the user's code left), it retires after a file that left a
non-daemon thread running (a prefetcher, a watcher), the parent kills it when a step runs
past ``--timeout`` (the import included), and the kernel kills it when netlint dies, even
by SIGKILL (``PR_SET_PDEATHSIG``). While they run, Ctrl-C and SIGTERM are noted and acted
upon between two steps of the parent's loop (netlint.stopping), never in the middle of one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import pickle
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from netlint.paths import display_path
from netlint.stopping import stop_requests
from netlint.target import Problem, Target

GRACE = 5.0  # seconds past a target's own time limit (which the worker enforces) before it is killed
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
_STOPPING = {signal.SIGINT, signal.SIGTERM}

Work = list[tuple[Target, Any]]  # (target, its options) of one file, in order
Event = tuple[str, int, Any]


def file_name(target: Target) -> str:
    return display_path(target.path) if target.path else target.module or target.display


@dataclass
class _Worker:
    process: Any
    connection: Any
    output: Any  # a temporary file: what the worker's native code writes to stdout and stderr
    output_read: int = 0  # how much of it the parent has read
    group: int | None = None  # the file it is analyzing, if any
    start: int = 0  # index in the group's work of the first target it was given
    end: int = 0  # index past the last target of its chunk of the file
    step: str = "importing"
    index: int = 0  # the target it is at, in the group's work
    text: str = ""
    deadline: float = float("inf")
    retired: bool = False  # it ended after its file (which left a non-daemon thread running)


def analyze_in_workers(groups: list[Work], analyze_file: Callable[[Work], Iterator[Event]], jobs: int,
                       timeout: float | None, merge: Callable[[Any, Any], None], new_result: Callable[[], Any],
                       meanwhile: Callable[[], None] | None = None) -> list[Any]:
    """One result per group, built with ``new_result()`` and ``merge(result, part)``, the
    parts in the order of the group's work (whichever worker sent them, whenever).
    ``meanwhile()`` runs here once the first workers have their files (on another core)."""
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    gc.freeze()  # a worker's collector would touch, and so copy, every page of the parent's objects
    parts = _Parts(len(groups), new_result)
    pending = deque(chunks(groups, jobs))
    workers: list[_Worker] = []
    limit = None if timeout is None else timeout + GRACE

    def assign(worker: _Worker, group: int, first: int, end: int) -> None:
        worker.group, worker.start, worker.index, worker.end = group, first, first, end
        worker.step, worker.text = "importing", file_name(groups[group][first][0])
        worker.deadline = _deadline(limit)
        worker.connection.send((group, first, end))

    def collect_output(worker: _Worker, group: int) -> None:
        """What native code wrote during the file, kept for -v as what the file printed."""
        text = os.pread(worker.output.fileno(), 1 << 20, worker.output_read)
        worker.output_read = os.fstat(worker.output.fileno()).st_size
        if text.strip():
            parts.new(group, worker.index).printed.append(
                (file_name(groups[group][0][0]), text.decode(errors="replace")))

    def fail(worker: _Worker, how: str) -> None:
        work = groups[worker.group]
        target = work[worker.index][0]
        if worker.step == "importing":  # the whole file fails, once (however many chunks it was cut into)
            name = file_name(target)
            parts.new(worker.group, worker.index).errors.append(
                Problem(name, name if target.path else None, None, f"{how} while importing {worker.text}"))
        else:
            path = display_path(target.path) if target.path else None
            parts.new(worker.group, worker.index).errors.append(
                Problem(target.display, path, target.line, f"{how} while analyzing it"))
            if worker.index + 1 < worker.end:
                pending.appendleft((worker.group, worker.index + 1, worker.end))

    def unsent(worker: _Worker, index: int, reason: str) -> None:
        """A result the worker could not send back (it holds a value pickle refuses): an error of its target."""
        target = groups[worker.group][index][0]
        path = display_path(target.path) if target.path else None
        parts.new(worker.group, index).errors.append(
            Problem(target.display, path, target.line, f"netlint's worker could not send back what it found: {reason}"))

    with stop_requests() as stop, _stopped_at_the_end(workers):
        while pending or any(w.group is not None for w in workers):
            if stop is not None:
                stop.check()
            for worker in workers:
                if worker.group is None and pending:
                    assign(worker, *pending.popleft())
            while pending and len(workers) < jobs:
                workers.append(_start(context, groups, analyze_file))
                assign(workers[-1], *pending.popleft())
            if meanwhile is not None:
                meanwhile()
                meanwhile = None
            busy = [w for w in workers if w.group is not None]
            soonest = min(w.deadline for w in busy)
            wait([*(w.connection for w in busy), *(w.process.sentinel for w in busy), *([stop] if stop else [])],
                 timeout=None if soonest == float("inf") else max(0.0, soonest - time.monotonic()))
            for worker in busy:
                group = worker.group
                if _receive(worker, parts, limit, unsent):
                    if worker.group is None:  # it finished the file
                        collect_output(worker, group)
                    if worker.retired:
                        _stop(worker)
                        workers.remove(worker)
                    continue
                if time.monotonic() <= worker.deadline:  # it died: its connection can close before it is reaped
                    worker.process.join(GRACE)
                if not worker.process.is_alive():
                    how = _how_it_ended(worker.process.exitcode)
                else:  # past its deadline
                    worker.process.kill()
                    how = f"took longer than {timeout:g} s (--timeout) and was stopped"
                worker.process.join()
                collect_output(worker, group)
                fail(worker, how)
                workers.remove(worker)
                worker.output.close()
    return parts.merged(merge)


def chunks(groups: list[Work], jobs: int) -> list[tuple[int, int, int]]:
    """(group, first, end) of each piece of work, in order: each group whole, the largest cut
    in halves while it holds more than a worker's share of all the targets (with one job: never)."""
    pieces = [(g, 0, len(work)) for g, work in enumerate(groups)]
    share = -(-sum(len(work) for work in groups) // jobs)
    while pieces:
        largest = max(range(len(pieces)), key=lambda i: pieces[i][2] - pieces[i][1])
        group, first, end = pieces[largest]
        if end - first <= max(share, 1):
            break
        middle = (first + end + 1) // 2
        pieces[largest:largest + 1] = [(group, first, middle), (group, middle, end)]
    return pieces


class _Parts:
    """What the workers sent, per group, keyed by the target it is about (then by arrival), so
    the merged result is the same whichever worker analyzed which chunk, and in which order."""

    def __init__(self, groups: int, new_result: Callable[[], Any]) -> None:
        self.received: list[list[tuple[int, int, Any]]] = [[] for _ in range(groups)]
        self.make = new_result
        self.count = 0

    def add(self, group: int, index: int, part: Any) -> None:
        self.count += 1
        self.received[group].append((index, self.count, part))

    def new(self, group: int, index: int) -> Any:
        part = self.make()
        self.add(group, index, part)
        return part

    def merged(self, merge: Callable[[Any, Any], None]) -> list[Any]:
        results = []
        for received in self.received:
            result = self.make()
            for _, _, part in sorted(received, key=lambda item: item[:2]):
                merge(result, part)
            # a file cut into chunks reports its import's failure (and what it printed) once per chunk
            result.errors[:] = _unique(result.errors)
            result.printed[:] = _unique(result.printed)
            results.append(result)
        return results


def _unique(items: list) -> list:
    kept: list = []
    for item in items:
        if item not in kept:
            kept.append(item)
    return kept


def _stop(worker: _Worker) -> None:
    """Wait for a worker told to end (it ends at once), and kill it if it does not."""
    worker.process.join(GRACE)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join()
    worker.output.close()


@contextlib.contextmanager
def _stopped_at_the_end(workers: list[_Worker]):
    """However the block ends (done, Ctrl-C, SIGTERM, a bug), no worker outlives it."""
    try:
        yield
    finally:
        for worker in workers:
            if worker.group is not None:  # interrupted
                worker.process.kill()
            with contextlib.suppress(OSError):
                worker.connection.send(None)  # (other workers hold copies of the pipe: no end-of-file)
            _stop(worker)
        gc.unfreeze()


def _start(context, groups: list[Work], analyze_file) -> _Worker:
    mine, theirs = context.Pipe()
    output = tempfile.TemporaryFile()
    process = context.Process(target=_work, args=(theirs, output.fileno(), groups, analyze_file, os.getpid()),
                              daemon=True)
    # a Ctrl-C or SIGTERM just after the fork must not reach the child before it ignores it (it
    # would unwind the parent's stack in the child): the child unblocks them once it is set up
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    theirs.close()
    return _Worker(process, mine, output)


def _receive(worker: _Worker, parts: _Parts, limit: float | None,
             unsent: Callable[[_Worker, int, str], None]) -> bool:
    """Take what the worker sent; false when it died or ran past its deadline."""
    try:
        while worker.connection.poll():
            kind, index, payload = worker.connection.recv()
            if kind == "end":
                worker.group, worker.retired = None, payload == "retire"
                return True
            if kind == "part":
                parts.add(worker.group, worker.start + index, payload)
            elif kind == "unsent":
                unsent(worker, worker.start + index, payload)
            else:
                worker.step, worker.index, worker.text = kind, worker.start + index, payload
                worker.deadline = _deadline(limit)
    except (EOFError, OSError):
        return False
    return worker.process.is_alive() and time.monotonic() <= worker.deadline


def _deadline(limit: float | None) -> float:
    return float("inf") if limit is None else time.monotonic() + limit


def _work(connection, output: int, groups: list[Work], analyze_file, parent: int) -> None:
    """A worker: analyze the files the parent names until it sends None, then end at once,
    whatever the user's code left running."""
    code = 1
    try:
        die_with_parent(parent)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
        # standard input reads nothing; what native code prints goes to the output file, never
        # into the report or netlint's errors (Python-level prints are the sandbox's)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        _serve(connection, groups, analyze_file)
        code = 0
    except BaseException:  # a bug in netlint: the parent reports the file, the output has the traceback
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def _serve(connection, groups: list[Work], analyze_file) -> None:
    handlers = {s: signal.getsignal(s) for s in signal.valid_signals() if signal.getsignal(s) is not None}
    threads = set(threading.enumerate())
    while True:
        message = connection.recv()
        if message is None:
            return
        group, first, end = message
        modules, path = set(sys.modules), list(sys.path)
        for event in analyze_file(groups[group][first:end], end == len(groups[group])):
            try:
                connection.send(event)
            except (TypeError, AttributeError, pickle.PicklingError) as exc:  # the user's value in a result
                connection.send(("unsent", event[1], f"{unpicklable_value(event[2], 'its result')} ({exc})"))
        _forget_user_modules(modules)
        sys.path[:] = path
        _restore(handlers)
        # a thread the file started that is not a daemon (a prefetcher, a watcher) would run on
        # into the next files: a new worker takes them (daemon threads, as tqdm's monitor, stay)
        left_running = any(t.is_alive() and not t.daemon for t in set(threading.enumerate()) - threads)
        connection.send(("end", 0, "retire" if left_running else None))
        if left_running:
            return


def unpicklable_value(value: Any, where: str, depth: int = 0) -> str:
    """Where in ``value`` the first value pickle refuses is (``the result.models[0].arguments``),
    so the error names it: a module object, a lock, a generator the user's code left there."""
    if depth < 6:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            children = [(f"{where}.{f.name}", getattr(value, f.name, None)) for f in dataclasses.fields(value)]
        elif isinstance(value, (list, tuple)):
            children = [(f"{where}[{i}]", item) for i, item in enumerate(value)]
        elif isinstance(value, dict):
            children = [(f"{where}[{key!r}]", item) for key, item in value.items()]
        else:
            children = []
        for name, child in children:
            try:
                pickle.dumps(child)
            except Exception:  # noqa: BLE001 (whatever pickle raises for it)
                return unpicklable_value(child, name, depth + 1)
    return f"{where} holds {_short(value)}, a {type(value).__name__}"


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 (the user's __repr__)
        text = object.__repr__(value)
    return text if len(text) <= 80 else text[:77] + "..."


def die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when the parent dies (Linux); if it died already,
    end now."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)


def _restore(handlers: dict) -> None:
    """The signal handlers of the worker, where the user's code changed them."""
    for number, handler in handlers.items():
        if signal.getsignal(number) is not handler:
            with contextlib.suppress(OSError, ValueError):
                signal.signal(number, handler)


def _forget_user_modules(before: set[str]) -> None:
    from netlint.user_code import is_library_file

    for name in set(sys.modules) - before:
        file = getattr(sys.modules[name], "__file__", None)
        if file is None or not is_library_file(file):  # the user's module, or a namespace package
            del sys.modules[name]


def _how_it_ended(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        cause = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"the process was killed by {name}{cause}"
    return f"the process ended with exit code {exitcode}"
