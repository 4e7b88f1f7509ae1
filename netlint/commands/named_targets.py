"""The models a subcommand (``summary``, ``overfit``) is asked about: discovered from its
paths, each with its ``[tool.netlint]`` settings, and one-line problems for the rest; and
the loop both run over them (``each_model``)."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import click

from netlint.config import ConfigError, TargetSettings, find_config, load_config
from netlint.discover import discover
from netlint.target import Target


def named_targets(paths: Sequence[str], verbose: bool, nothing: str
                  ) -> tuple[list[tuple[str, str]], list[tuple[Target, TargetSettings]]]:
    """(problems as (target, message), targets with their settings). ``nothing`` is the
    problem reported when the paths name no model and nothing else went wrong."""
    found = discover(list(paths))
    problems = [(p.target, (f"{p.path}:{p.line}: " if p.line else "") + p.message) for p in found.problems]
    if verbose:
        for skipped in found.skipped:
            click.echo(f"{skipped.target}: skipped: {skipped.reason}", err=True)
    if not found.targets:
        return problems or [(", ".join(paths), nothing)], []
    try:
        config = load_config(find_config(Path.cwd()))
    except ConfigError as exc:
        return problems + [(", ".join(paths), str(exc))], []
    return problems, [(target, config.target_settings(target.base)) for target in found.targets]


def each_model(paths: Sequence[str], verbose: bool, nothing: str,
               analyze: Callable[[Target, TargetSettings], object],
               failures: Callable[[BaseException], str | None] = lambda exc: None) -> Iterator[tuple[str, object]]:
    """(target shown, what ``analyze`` returned, or a one-line error) for each model the paths
    name, each analyzed in the sandbox. A model that cannot be built or captured is its error
    (``located_message``); ``failures`` gives the message of any other exception the command
    expects (None: not expected, raised). With ``verbose``, an error shows its traceback."""
    problems, targets = named_targets(paths, verbose, nothing)
    yield from problems
    if not targets:
        return
    from netlint.capture import CaptureError
    from netlint.load.construct import SkipTarget
    from netlint.load.sandbox import sandbox
    from netlint.user_code import LoadError

    for target, settings in targets:
        try:
            with sandbox(target.path):
                result = analyze(target, settings)
        except SkipTarget as exc:
            if verbose:
                click.echo(f"{target.display}: skipped: {exc}", err=True)
        except (LoadError, CaptureError) as exc:
            if verbose:
                traceback.print_exc()
            yield target.display, located_message(exc)
        except BaseException as exc:
            message = failures(exc)
            if message is None:
                raise
            if verbose and isinstance(exc, Exception):
                traceback.print_exc()
            yield target.display, message
        else:
            yield target.display, result


def located_message(exc: Exception) -> str:
    """The error's message, after the file and line it names when it names them."""
    where, line = getattr(exc, "path", None), getattr(exc, "line", None)
    return (f"{where}:{line}: " if where and line else "") + str(exc)
