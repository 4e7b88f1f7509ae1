"""How the model's parameters were initialized, recorded while it is built: values never exist
on the meta device, so the calls are the evidence (``nn.init.zeros_(conv.weight)``,
``m.weight.data.fill_(0.5)``), each with the user's line that made it.

The tensor methods that initialize in place are watched (``nn.init``'s functions call them);
a call is named by the outermost ``nn.init`` function it came through. A layer's own default
initialization (``reset_parameters`` inside torch) is not evidence. ``.data`` is another
tensor object on the same storage: a call is matched to a parameter by storage, offset and
shape, so a fill of a part of a parameter is not a fill of the parameter.
"""

from __future__ import annotations

import contextlib
import copy
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from types import FrameType
from typing import Any

import torch
from torch import nn

from netlint.graph import ParameterInit
from netlint.user_code import NETLINT_DIR, is_library_file
from netlint.sites import frame_site

INIT_METHODS = ("fill_", "zero_", "normal_", "uniform_")
CONSTANT_FUNCTIONS = {"constant_": None, "zeros_": 0.0, "ones_": 1.0, "fill_": None, "zero_": 0.0}
_INIT_FILE = "/torch/nn/init.py"
_TORCH_MODULES = "/torch/nn/modules/"
_TORCH = "/torch/"


@dataclass
class _Call:
    tensor: torch.Tensor  # kept alive: its storage identifies the parameter
    function: str
    value: float | None
    site: Any
    by_library: bool


@dataclass
class InitRecorder:
    calls: list[_Call] = field(default_factory=list)

    def note(self, tensor: torch.Tensor, method: str, args: tuple, frame: FrameType | None) -> None:
        function, value = method, _number(args[0]) if method == "fill_" and args else None
        # out through torch's frames (nn.init, and a device mode dispatching the call again)
        through_init = False
        while frame is not None and _dispatching(frame):
            if frame.f_code.co_filename.endswith(_INIT_FILE):
                function, through_init = frame.f_code.co_name, True  # the outermost nn.init function wins
                value = _number(frame.f_locals.get("val")) if function == "constant_" else value
            frame = frame.f_back
        if frame is None or _TORCH_MODULES in frame.f_code.co_filename \
                or frame.f_code.co_filename.startswith(NETLINT_DIR):
            return  # a layer's default initialization, or netlint's own
        by_library = is_library_file(frame.f_code.co_filename)
        user = frame
        while user is not None and is_library_file(user.f_code.co_filename):
            if user.f_code.co_filename.startswith(NETLINT_DIR):
                user = None
                break
            user = user.f_back
        if function in CONSTANT_FUNCTIONS and CONSTANT_FUNCTIONS[function] is not None:
            value = CONSTANT_FUNCTIONS[function]
        shown = f"nn.init.{function}" if through_init else function
        self.calls.append(_Call(tensor, shown, value, frame_site(user) if user is not None else None, by_library))

    def resolved(self, model: nn.Module, applied_by: str = "") -> tuple[ParameterInit, ...]:
        """The calls that initialized a whole parameter of ``model``, by its qualified name."""
        by_storage = {}
        for name, parameter in model.named_parameters():
            by_storage.setdefault(_where(parameter), name)
        found = []
        for call in self.calls:
            name = by_storage.get(_where(call.tensor))
            if name is None:
                continue
            constant = call.function.rpartition(".")[2] in CONSTANT_FUNCTIONS
            found.append(ParameterInit(name, call.function, constant, call.value if constant else None, call.site,
                                       call.by_library, applied_by))
        return tuple(found)


def _dispatching(frame: FrameType) -> bool:
    """A frame between the user's call and the tensor method: torch's own (``nn.init``, a device
    mode calling the function again), not a layer's default initialization; or a torch-function
    mode of netlint's (the device it pins)."""
    name = frame.f_code.co_filename
    if name.startswith(NETLINT_DIR):
        return frame.f_code.co_name == "__torch_function__"
    return _TORCH in name and _TORCH_MODULES not in name


def _where(tensor: torch.Tensor) -> tuple:
    try:
        return tensor.untyped_storage()._cdata, tensor.storage_offset(), tuple(tensor.shape)
    except Exception:  # a tensor without storage (a functional wrapper), a lazy module's uninitialized parameter
        return id(tensor), 0, ()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


@contextlib.contextmanager
def recording_inits() -> Iterator[InitRecorder]:
    """Watch the in-place initializations of tensors while the block runs."""
    recorder = InitRecorder()
    originals = {name: getattr(torch.Tensor, name) for name in INIT_METHODS}

    depth = [0]  # a call made inside another watched call (a device mode dispatching it again) is the same

    def watched(name: str, original: Any) -> Any:
        def method(self, *args, **kwargs):
            depth[0] += 1
            try:
                result = original(self, *args, **kwargs)
            finally:
                depth[0] -= 1
            if not depth[0]:
                recorder.note(self, name, args, sys._getframe(1))
            return result
        return method

    for name, original in originals.items():
        setattr(torch.Tensor, name, watched(name, original))
    try:
        yield recorder
    finally:
        for name, original in originals.items():
            setattr(torch.Tensor, name, original)


def applied_inits(model: nn.Module, applies: tuple, namespace: dict[str, Any]) -> tuple[tuple[ParameterInit, ...],
                                                                                        tuple[str, ...]]:
    """What the training code's ``model.apply(fn)`` calls initialize, for each ``fn`` the model's
    module defines or imports (run on a copy of the meta model: nothing is allocated, and the
    model linted is the one built), and notes on those that could not run."""
    found: list[ParameterInit] = []
    notes: list[str] = []
    runnable = [call for call in applies if call.function.isidentifier() and callable(namespace.get(call.function))]
    if not runnable:
        return (), ()
    try:  # on a copy: what the function does to the model must not change what is linted
        model = copy.deepcopy(model)
    except Exception as exc:
        return (), (f"model.apply({runnable[0].function}) not followed: the model cannot be copied "
                    f"({type(exc).__name__}: {exc})",)
    for call in runnable:
        function = namespace[call.function]
        where = f"model.apply({call.function}) at {call.path}:{call.line}"
        try:
            with recording_inits() as recorder, torch.no_grad(), torch.device("meta"):
                model.apply(function)
        except Exception as exc:  # the user's function fails on meta: its evidence is lost, not the lint
            notes.append(f"{where} not followed: {type(exc).__name__}: {exc}")
            continue
        found += [replace(init, applied_by=where, by_library=False) for init in recorder.resolved(model)]
    return tuple(found), tuple(notes)
