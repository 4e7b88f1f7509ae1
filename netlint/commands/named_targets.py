"""The models a subcommand (``summary``, ``overfit``) is asked about: discovered from its
paths, each with its ``[tool.netlint]`` settings, and one-line problems for the rest."""

from __future__ import annotations

from collections.abc import Sequence
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
