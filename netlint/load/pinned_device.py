"""Run the user's code on one device, whatever device the code asks for.

Model code is written for a GPU: ``h = Variable(torch.zeros(n, 32, h, w)).cuda()`` in a
forward, ``noise.cuda(x.get_device())``, ``torch.cuda.FloatTensor(n, d).normal_()``,
``with torch.cuda.device(0):``, a mask made with ``torch.ones(...)`` and no ``device=``.
netlint builds and runs models on meta (or on the CPU when meta cannot run them), without a
GPU. While ``pinned_to(device)`` is active, every tensor the code makes or moves lands on
``device``: factory calls (with or without ``device=``), ``.cuda()``, ``.cpu()``, ``.to(...)``
(its dtype is kept), ``Tensor.type(torch.cuda.FloatTensor)``, ``new_*`` calls, the legacy
``torch.cuda.FloatTensor(...)`` constructors; ``torch.cuda.current_device()`` is 0 and
``torch.cuda.device(...)``/``set_device`` do nothing. ``torch.cuda.is_available()`` stays
False: code that checks it takes its CPU branch. fx tracing is left alone (its proxies record
``.cuda()`` as a call; ``without_device_moves`` removes those calls from a traced graph).
"""

from __future__ import annotations

import contextlib
import os
import sys
import types
from collections.abc import Iterator
from typing import Any

import torch
import torch.fx as fx
from torch.overrides import TorchFunctionMode
from torch.utils._device import _device_constructors
from torch.utils._pytree import tree_leaves

from netlint.user_code import is_library_file

# the legacy tensor types, by name: torch.cuda.FloatTensor(...) and torch.FloatTensor(...)
LEGACY_TYPES = ("FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "ByteTensor", "CharTensor",
                "ShortTensor", "IntTensor", "LongTensor", "BoolTensor")
_NEW_METHODS = frozenset({torch.Tensor.new_zeros, torch.Tensor.new_ones, torch.Tensor.new_empty,
                          torch.Tensor.new_full, torch.Tensor.new_tensor})
_MOVES = frozenset({torch.Tensor.cuda, torch.Tensor.cpu})
DEVICE_MOVES = ("cuda", "cpu")  # methods that only move a tensor (``to`` may also cast it)


def _dtype_of(value: Any) -> torch.dtype | None:
    """The dtype a ``.type(...)``/``.to(...)`` argument names: a dtype, a legacy tensor type
    (``torch.cuda.FloatTensor``, its name as a string), a tensor's."""
    if isinstance(value, torch.dtype):
        return value
    if isinstance(value, torch.Tensor):
        return value.dtype
    if isinstance(value, str):
        legacy = getattr(torch, value.rpartition(".")[2], None)
        return getattr(legacy, "dtype", None) if value.rpartition(".")[2] in LEGACY_TYPES else None
    dtype = getattr(value, "dtype", None)
    return dtype if isinstance(dtype, torch.dtype) else None


class _OneDevice(TorchFunctionMode):
    """Every tensor a torch function makes or moves lands on ``device``."""

    def __init__(self, device: torch.device) -> None:
        super().__init__()
        self.device = device

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if any(issubclass(t, fx.Proxy) for t in types):
            # fx is tracing: the proxy records the call as written (and this frame stays off the
            # stack, where it would hide the user's line from the node's site)
            return NotImplemented
        if func in _MOVES:
            return self._here(args[0])
        if func is torch.Tensor.to:
            dtypes = [d for d in map(_dtype_of, (*args[1:], kwargs.get("dtype"))) if d is not None]
            moved = self._here(args[0])
            if dtypes or "memory_format" in kwargs:
                return moved.to(dtype=dtypes[0] if dtypes else None, memory_format=kwargs.get(
                    "memory_format", torch.preserve_format))
            return moved
        if func is torch.Tensor.type and (len(args) > 1 or "dtype" in kwargs):
            dtype = _dtype_of(args[1] if len(args) > 1 else kwargs["dtype"])
            if dtype is not None:
                return self._here(args[0]).to(dtype=dtype)
        if func is torch.Tensor.get_device:  # the GPU the code asks about: the first
            return 0
        if func in _device_constructors() or func in _NEW_METHODS or "device" in kwargs:
            kwargs["device"] = self.device
        return func(*args, **kwargs)

    def _here(self, tensor: torch.Tensor) -> torch.Tensor:
        return tensor if tensor.device == self.device else tensor.to(self.device)


class _LegacyTypeMeta(type):
    def __instancecheck__(cls, value: Any) -> bool:
        return isinstance(value, cls.original)

    def __call__(cls, *args: Any, device: Any = None, **kwargs: Any) -> torch.Tensor:
        """``FloatTensor()``, ``FloatTensor(2, 3)``, ``FloatTensor(torch.Size(...))``,
        ``FloatTensor([1, 2])``, ``FloatTensor(tensor)``: on the pinned device."""
        where = cls.pinned
        if not args:
            return torch.empty(0, dtype=cls.dtype, device=where)
        if len(args) == 1 and isinstance(args[0], torch.Tensor):
            return args[0].to(device=where, dtype=cls.dtype)
        if len(args) == 1 and isinstance(args[0], torch.Size):
            args = tuple(args[0])
        if all(isinstance(a, int) and not isinstance(a, bool) for a in args):
            return torch.empty(args, dtype=cls.dtype, device=where)
        return torch.tensor(args[0], dtype=cls.dtype, device=where)


def _legacy_stand_in(original: type, device: torch.device) -> type:
    """A class that makes tensors of ``original``'s dtype on ``device`` and that
    ``isinstance`` and ``.type(...)`` treat as ``original``."""
    return _LegacyTypeMeta(original.__name__, (), {"original": original, "pinned": device,
                                                   "dtype": original.dtype, "is_cuda": original.is_cuda,
                                                   "__module__": original.__module__})


def _legacy_types() -> dict[int, type]:
    found = {}
    for owner in (torch, torch.cuda):
        for name in LEGACY_TYPES:
            original = getattr(owner, name, None)
            if isinstance(original, type):
                found[id(original)] = original
    return found


class _NoCudaDevice:
    """``torch.cuda.device(i)``: a context that selects nothing."""

    def __init__(self, device: Any = None) -> None:
        self.idx = 0

    def __enter__(self) -> _NoCudaDevice:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


_CUDA_ANSWERS = {"current_device": lambda: 0, "set_device": lambda device: None,
                 "synchronize": lambda device=None: None, "device": _NoCudaDevice,
                 "device_of": _NoCudaDevice}


@contextlib.contextmanager
def pinned_to(device: torch.device | str) -> Iterator[None]:
    """Run the user's code with every tensor on ``device`` (see the module's docstring)."""
    device = torch.device(device)
    with _gpu_calls_answered(device), _OneDevice(device):
        yield


@contextlib.contextmanager
def _gpu_calls_answered(device: torch.device) -> Iterator[None]:
    """``torch.cuda``'s calls answered without a GPU, and the legacy tensor types making their
    tensors on ``device``: replaced in ``torch``, ``torch.cuda`` and wherever the user's modules
    hold them (``Tensor = torch.cuda.FloatTensor if cuda else torch.FloatTensor``)."""
    patches: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, name: str, value: Any) -> None:
        patches.append((owner, name, owner.__dict__.get(name)))
        setattr(owner, name, value)

    legacy = _legacy_types()
    stand_ins = {key: _legacy_stand_in(original, device) for key, original in legacy.items()}
    for owner in (torch, torch.cuda):
        for name in LEGACY_TYPES:
            original = owner.__dict__.get(name)
            if id(original) in stand_ins and original is legacy[id(original)]:
                patch(owner, name, stand_ins[id(original)])
    for module in user_modules():
        for name, value in list(module.__dict__.items()):
            if isinstance(value, type) and id(value) in stand_ins and legacy[id(value)] is value:
                patch(module, name, stand_ins[id(value)])
    for name, answer in _CUDA_ANSWERS.items():
        if hasattr(torch.cuda, name):
            patch(torch.cuda, name, answer)
    try:
        yield
    finally:
        for owner, name, value in reversed(patches):
            setattr(owner, name, value)


# the loaded modules found not to be the user's, by name: each build asks again (timm loads 2,700 modules)
_NOT_USERS: dict[str, int] = {}  # name -> id of the module object


def user_modules() -> Iterator[types.ModuleType]:
    """The modules of the user's files loaded so far (not libraries). A module whose
    ``__file__`` is not a path (torch.ops' is ``'_ops.py'``) is no file of the user's: taken
    for one, it switched on the weights watch of every build (a profile hook on every call)."""
    for name, module in list(sys.modules.items()):
        if _NOT_USERS.get(name) == id(module):
            continue
        file = getattr(module, "__file__", None)
        if isinstance(module, types.ModuleType) and isinstance(file, str) and os.path.isabs(file) \
                and not is_library_file(file):
            yield module
        else:
            _NOT_USERS[name] = id(module)


def device_of(tensors: Any, model: torch.nn.Module | None = None) -> torch.device:
    """The device a forward runs on: its inputs', else the model's parameters', else meta."""
    for value in tree_leaves(tensors):
        if isinstance(value, torch.Tensor):
            return value.device
    if model is not None:
        for value in (*model.parameters(), *model.buffers()):
            return value.device
    return torch.device("meta")


def without_device_moves(graph: fx.GraphModule) -> fx.GraphModule:
    """The traced graph without the calls that only move a tensor to a device (``x.cuda()``,
    ``x.cpu()``, ``x.to('cuda')``, ``x.to(y.device)``): each use reads the tensor itself, so
    shapes, dataflow and the rules' patterns go straight through them."""
    changed = False
    for node in list(graph.graph.nodes):
        if node.op == "call_method" and _only_moves(node):
            node.replace_all_uses_with(node.args[0])
            graph.graph.erase_node(node)
            changed = True
    for node in reversed(list(graph.graph.nodes)):  # the device a removed move read, now unused
        if changed and not node.users and node.op in ("call_method", "call_function") and _is_device_attribute(node):
            graph.graph.erase_node(node)
    if changed:
        graph.recompile()
    return graph


def _only_moves(node: fx.Node) -> bool:
    """``x.cuda()``, ``x.cuda(i)``, ``x.cpu()``, ``x.to(device)``, ``x.to(y.device, non_blocking=True)``;
    not ``x.to(y)`` or ``x.to(torch.float16)``, which may also cast."""
    if not node.args:
        return False
    if node.target in DEVICE_MOVES:
        return all(_names_device(a) for a in (*node.args[1:], *node.kwargs.values()) if not isinstance(a, bool))
    if node.target != "to" or set(node.kwargs) - {"device", "non_blocking", "copy"}:
        return False
    devices = (*node.args[1:], node.kwargs.get("device"))
    return any(d is not None for d in devices) and all(d is None or _names_device(d) for d in devices)


def _names_device(value: Any) -> bool:
    if isinstance(value, fx.Node):
        return _is_device_attribute(value)
    return isinstance(value, (str, int, torch.device)) and not isinstance(value, bool) and \
        (not isinstance(value, str) or _dtype_of(value) is None)


def _is_device_attribute(node: fx.Node) -> bool:
    """``y.device`` (fx records it as ``getattr(y, 'device')``), ``y.get_device()``."""
    if node.op == "call_function" and node.target is getattr:
        return len(node.args) > 1 and node.args[1] == "device"
    return node.op == "call_method" and node.target == "get_device"
