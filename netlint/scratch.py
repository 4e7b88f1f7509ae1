"""The scratch folder of a run: the one folder linted code may write to (its temporary files
and caches, see netlint.load.sandbox), removed when the run ends.

A netlint that is killed (SIGKILL, the OOM killer, a daemon's lint whose client gave up)
cannot remove its own. So each folder holds a lock file that its run keeps locked for as long
as it lives (its workers too: they inherit the open file), and every run first removes the
folders whose lock nobody holds: leftovers never accumulate.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator

try:
    import fcntl
except ImportError:  # (Windows: no flock; folders are only removed by their own run)
    fcntl = None

PREFIX = "netlint-scratch-"
LOCK = ".netlint-owner"  # locked by the run; holds its process id once locked


@contextlib.contextmanager
def scratch_folder() -> Iterator[str]:
    remove_abandoned(tempfile.gettempdir())
    folder = tempfile.mkdtemp(prefix=PREFIX)
    try:
        lock = os.open(os.path.join(folder, LOCK), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            os.write(lock, str(os.getpid()).encode())  # (a folder whose lock file is empty is being made)
            yield folder
        finally:
            os.close(lock)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_abandoned(parent: str) -> None:
    """Remove the scratch folders in ``parent`` whose run ended without removing them."""
    if fcntl is None:
        return
    try:
        entries = [e for e in os.scandir(parent) if e.name.startswith(PREFIX) and e.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for entry in entries:
        try:
            lock = os.open(os.path.join(entry.path, LOCK), os.O_RDONLY)
        except OSError:  # being made, removed meanwhile, or not ours
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.read(lock, 32):  # its run had locked it, and no process holds it any more
                shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:  # its run (or one of its workers) lives
            continue
        finally:
            os.close(lock)
