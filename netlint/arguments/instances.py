"""The model instances a script builds at its top level when it is imported (``generator =
Generator(opt.latent_dim)``, after argparse has given ``opt`` its defaults): the arguments
the script itself builds its models with."""

from __future__ import annotations

import contextlib
import inspect
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType
from typing import Any

from torch import nn
from netlint.sites import frame_site


@dataclass(frozen=True)
class Instance:
    kwargs: dict[str, Any]  # the constructor's parameters as bound in that call
    where: str  # "gan.py:120"


@contextlib.contextmanager
def recording_instances(filename: str) -> Iterator[dict[type, Instance]]:
    """While the file ``filename`` is imported: for each ``nn.Module`` class, the first
    call of it made by the file's top level."""
    instances: dict[type, Instance] = {}
    original_init = nn.Module.__init__

    def init_and_record(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if type(self) in instances:
            return
        constructor, caller = _outermost_own_init(sys._getframe(1), self)
        if (constructor is not None and caller is not None and caller.f_code.co_name == "<module>"
                and caller.f_code.co_filename == filename):
            site = frame_site(caller)
            instances[type(self)] = Instance(_bound(constructor), f"{site.path}:{site.line}")

    nn.Module.__init__ = init_and_record
    try:
        yield instances
    finally:
        nn.Module.__init__ = original_init


def _outermost_own_init(frame: FrameType | None, module: nn.Module) -> tuple[FrameType | None, FrameType | None]:
    """The frame of the ``__init__`` that the constructor call ran first, and its caller."""
    outermost = None
    while frame is not None and frame.f_code.co_name == "__init__" and frame.f_code.co_argcount > 0 \
            and frame.f_locals.get(frame.f_code.co_varnames[0]) is module:
        outermost, frame = frame, frame.f_back
    return outermost, frame


def _bound(frame: FrameType) -> dict[str, Any]:
    """The parameters of the ``__init__`` running in ``frame``, by name (its ``**kwargs`` merged)."""
    code = frame.f_code
    names = list(code.co_varnames[1:code.co_argcount + code.co_kwonlyargcount])
    values = {name: frame.f_locals[name] for name in names if name in frame.f_locals}
    if code.co_flags & inspect.CO_VARKEYWORDS:
        extra = code.co_varnames[code.co_argcount + code.co_kwonlyargcount
                                 + bool(code.co_flags & inspect.CO_VARARGS)]
        values.update(frame.f_locals.get(extra) or {})
    return values
