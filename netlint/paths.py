"""Paths as users see them."""

from __future__ import annotations

from pathlib import Path


def display_path(path: Path) -> str:
    """The path as users see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))  # (the working directory is resolved already)
    except ValueError:
        return str(path)
