"""``netlint daemon start|stop|status|restart``: the warm engine (netlint.server.engine)
for one project, behind a per-user, per-project Unix socket (netlint.server.client)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import click

from netlint.server.client import ask, is_private, project_root, runtime_folder, socket_path
from netlint.server.protocol import identity

START_WITHIN = 300.0  # seconds for a new daemon to import and warm up (a busy machine)


@click.group("daemon")
def daemon_command() -> None:
    """A warm netlint for this project: `netlint` uses it while it runs."""


def _here() -> tuple[Path, Path]:
    root = project_root(Path.cwd())
    folder = runtime_folder()
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        if not is_private(folder):
            raise click.ClickException(f"{folder} is not private to this user; not using it")
    except OSError as exc:
        raise click.ClickException(f"{folder}: {exc}") from exc
    return root, socket_path(root)


@daemon_command.command()
def start() -> None:
    """Start the daemon for the project of the working directory."""
    root, path = _here()
    status = ask(path, "status")
    if status is not None:
        click.echo(f"netlint daemon already running for {root} (pid {status['pid']})")
        return
    log = path.with_suffix(".log")
    with open(log, "w", encoding="utf-8") as output:
        process = subprocess.Popen([sys.executable, "-m", "netlint.server.engine", str(path), str(root)],
                                   cwd=root, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                                   start_new_session=True)
    deadline = time.monotonic() + START_WITHIN
    while (status := ask(path, "status")) is None:
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
    answer = ask(path, "stop")
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
    answer = ask(path, "status")
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

