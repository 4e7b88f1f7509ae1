"""The targets the config adds or leaves out, and what it sets for each: its ``models`` beside the
paths given, its ``exclude`` patterns (on the paths and on the targets discovery found), and each
target's table (``init`` arguments, input shapes, task). The step of a lint that reads the config
about targets, between the command line's paths and the targets analyzed."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from netlint.config import Config
from netlint.paths import display_path
from netlint.target import Options, Target


def paths_to_discover(specs: Sequence[str], config: Config) -> list[str]:
    """The paths given (the working directory when none) less the files the config excludes,
    and the config's models that they cover."""
    return [*(s for s in specs or ["."] if not _excluded_file(s, config)), *_config_models(specs, config)]


def configured(target: Target, options: Options, config: Config) -> tuple[Target, Options]:
    """The target with the config's ``init`` arguments, and the options its table sets."""
    return _with_init(target, config), _target_options(target, options, config)


def excluded_target(target: Target, config: Config) -> bool:
    """A target discovery found in a file the config excludes."""
    return target.discovered and target.path is not None and config.is_excluded(target.path)


def _excluded_file(spec: str, config: Config) -> bool:
    try:
        return "::" not in spec and Path(spec).is_file() and config.is_excluded(spec)
    except OSError:  # no file name at all (too long): a target, or nothing (discover says which)
        return False


def _config_models(specs: Sequence[str], config: Config) -> list[str]:
    """The config's extra targets that the paths cover: all of them when no paths are given
    or a path is the config's folder (or above); otherwise those in the files the paths name,
    so that linting one file never builds another file's models."""
    whole_project = not specs or any(_covers(s, config.root) for s in specs)
    models = []
    for spec in config.models:
        if "::" in spec:
            file, _, name = spec.partition("::")
            path = (config.root / file).resolve()
            if whole_project or any(_covers(s, path) for s in specs):
                models.append(f"{display_path(path)}::{name}")
        elif whole_project:
            if str(config.root) not in sys.path:
                sys.path.insert(0, str(config.root))  # the project's own packages import
            models.append(spec)
    return models


def _covers(spec: str, path: Path) -> bool:
    if "::" in spec:  # a target, never a file name (any length, any characters)
        return False
    try:
        given = Path(spec).resolve()
        return given == path.resolve() or (given.is_dir() and given in path.resolve().parents)
    except OSError:  # no file name at all (too long): a target such as package.module:factory(...)
        return False


def _with_init(target: Target, config: Config) -> Target:
    """The target called with the config's ``init`` arguments, unless it names its own."""
    init = config.target_settings(target.base).init
    if init is None or target.arguments is not None:
        return target
    return replace(target, arguments=init, arguments_from="the config")


def _target_options(target: Target, options: Options, config: Config) -> Options:
    settings = config.target_settings(target.base)
    return replace(options, input_shapes=settings.input_shapes or options.input_shapes,
                   task=settings.task or options.task)
