"""What the commands share (check in cli.py, overfit, summary): exit codes and the parsing of
option values into click's errors."""

from __future__ import annotations

import click

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells and other command-line tools say it (128 + SIGINT)


def shape_option(value: str) -> tuple[int, ...]:
    """An --input-shape value, ``1,3,256,256``."""
    from netlint.config import ConfigError, parse_shape

    try:
        return parse_shape(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from None
