"""Build a model whose constructor reads tensor values without allocating its weights.

A constructor that calls ``.item()``, ``.tolist()`` or numpy on a tensor (timm's stochastic-depth
rates from a ``torch.linspace``, Swin's relative position index) cannot run on meta. While
``values_on_cpu()`` is active, the small tensors such code makes stay on the CPU, where their
values can be read, and every parameter moves to meta as it is registered (the pattern of
accelerate's ``init_empty_weights``), as does any tensor too large to be a value the code reads
(a buffer small enough stays on the CPU: the code may read it, as a relative position index):
no weight memory is allocated, and layer initializations (``reset_parameters``, ``nn.init``) run
on meta, where they fill nothing (the calls are still recorded as evidence).

``values_on_cpu(only_values=True)`` is the first build of every model, on meta: only the tensors made
from values (``arange``, ``linspace``, ``tensor``…) are on the CPU, every tensor made from a size alone
(``empty``, ``zeros``, ``randn``…, a layer's weights) is on meta, so a constructor that reads its
drop-path rates builds once, at the cost of a meta build; it yields the values the code read (none:
the model is built on meta). A constructor that reads a value of a tensor made from a size (a
window mask filled in place) fails it, and is built again with every small tensor on the CPU.

``materialized_on_use(model)`` gives such a model the CPU storage of a module's own parameters
only when its forward runs, for a forward that must run on the CPU. ``memory_bounded()`` caps the
address space of a full CPU build, netlint's last resort, so that a model too large for the
machine fails with a clear error instead of meeting the OOM killer.
"""

from __future__ import annotations

import contextlib
import resource
import weakref
from collections.abc import Iterator
from typing import Any

import torch
from torch import nn
from torch.nn.parameter import UninitializedBuffer, UninitializedParameter
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_map

META = torch.device("meta")
LARGEST_VALUE = 1 << 24  # elements (64 MB of float32): a larger tensor is a weight, not a value the code reads
# the factories that make a tensor from a size (not from data, which already exists)
_SIZED_FACTORIES = frozenset(getattr(torch, name) for name in (
    "empty", "empty_strided", "zeros", "ones", "full", "rand", "randn", "randint", "randperm", "eye", "arange",
    "linspace", "logspace", "range"))
_SIZED_NEW = frozenset({torch.Tensor.new_zeros, torch.Tensor.new_ones, torch.Tensor.new_empty,
                        torch.Tensor.new_full})
# the factories that make a tensor from values (given, or a range): what a constructor reads
_VALUE_FACTORIES = frozenset(getattr(torch, name) for name in (
    "tensor", "as_tensor", "asarray", "scalar_tensor", "arange", "range", "linspace", "logspace"))
_FROM_DATA = frozenset(getattr(torch, name) for name in ("tensor", "as_tensor", "asarray", "scalar_tensor"))
# the calls that read a tensor's values into Python, by how the notes name them
_READS = {torch.Tensor.item: "Tensor.item()", torch.Tensor.tolist: "Tensor.tolist()",
          torch.Tensor.numpy: "Tensor.numpy()", torch.Tensor.__array__: "numpy on a tensor",
          torch.Tensor.__bool__: "bool() of a tensor", torch.Tensor.__int__: "int() of a tensor",
          torch.Tensor.__float__: "float() of a tensor", torch.Tensor.__index__: "a tensor as an index"}
CPU = torch.device("cpu")


class _LargeOnMeta(TorchFunctionMode):
    """A factory call whose tensor would be larger than LARGEST_VALUE makes it on meta; an op
    that meets a meta tensor (a parameter) and CPU ones runs on meta: a constructor's dummy
    forward (``self.stem(torch.zeros(1, 3, 224, 224)).shape``) learns its shapes. ``only_values``:
    below the meta build's device modes, every factory call but a small one from values is on meta,
    a small value stays on the CPU when the code moves it, and the values read are noted."""

    def __init__(self, only_values: bool = False) -> None:
        super().__init__()
        self.only_values = only_values
        self.reads: list[str] = []
        self.values_made = False

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if self.only_values:
            if func in _READS:
                if args and isinstance(args[0], torch.Tensor) and not args[0].is_meta:
                    self.reads.append(_READS[func])
                return func(*args, **kwargs)
            if func in _VALUE_FACTORIES:
                self.values_made = True
                return self._value(func, args, kwargs)
            if not self.values_made:  # (every tensor is on meta: nothing to mix)
                return func(*args, **kwargs)
            if func is torch.Tensor.to and len(args) == 2 and not kwargs and args[1] == META \
                    and isinstance(args[0], torch.Tensor):
                return args[0]  # (the device modes above move each tensor to meta: a value stays a value)
        elif func in _SIZED_FACTORIES or func in _SIZED_NEW:
            try:
                shaped = func(*args, **{**kwargs, "device": META})
            except Exception:
                return func(*args, **kwargs)
            if isinstance(shaped, torch.Tensor) and shaped.numel() > LARGEST_VALUE:
                return shaped
        tensors = [t for t in _shallow_leaves(args, kwargs) if isinstance(t, torch.Tensor)]
        if any(t.is_meta for t in tensors) and not all(t.is_meta for t in tensors):
            args, kwargs = tree_map(_to_meta_unless_parameter, (args, kwargs))
        return func(*args, **kwargs)

    @staticmethod
    def _value(func, args, kwargs):
        if args and isinstance(args[0], torch.Tensor) and args[0].is_meta:
            return func(*args, **kwargs)  # (a tensor of a weights stand-in: it has no values to read)
        if func not in _FROM_DATA:  # a range: on the CPU when small
            shaped = func(*args, **{**kwargs, "device": META})
            if shaped.numel() > LARGEST_VALUE:
                return shaped
        return func(*args, **{**kwargs, "device": CPU})


def _shallow_leaves(args: tuple, kwargs: dict) -> list:
    """The arguments and the items of those that are lists or tuples (``torch.cat([a, b])``):
    where an op's tensors are, without walking the whole tree at every call."""
    values = [*args, *kwargs.values()]
    return values + [v for value in values if isinstance(value, (list, tuple)) for v in value]


def _to_meta_unless_parameter(value: Any) -> Any:
    if not isinstance(value, torch.Tensor) or value.is_meta or isinstance(value, nn.Parameter):
        return value  # (a parameter on the CPU is one the code made after the model: left as it is)
    with torch._C.DisableTorchFunction():
        return value.to(META)


def _on_meta(value: torch.Tensor) -> torch.Tensor:
    with torch._C.DisableTorchFunction():  # past the mode that pins every tensor to the CPU
        return _moved_to_meta(value)


def _moved_to_meta(value: torch.Tensor) -> torch.Tensor:
    if isinstance(value, nn.Parameter):
        moved = type(value)(value.data.to(META), requires_grad=value.requires_grad)
        moved.__dict__.update(value.__dict__)  # attributes libraries set on parameters (timm's no_weight_decay…)
        return moved
    return value.to(META)


@contextlib.contextmanager
def values_on_cpu(only_values: bool = False) -> Iterator[list[str]]:
    """Enter outside the build's device modes (see the module's docstring); yields the values
    the code reads (``only_values``), as the notes name them."""
    original_parameter, original_buffer = nn.Module.register_parameter, nn.Module.register_buffer
    # by the CPU parameter (not kept alive: its memory is freed): one registered twice stays tied
    moved: dict[int, tuple[weakref.ref, nn.Parameter]] = {}

    def register_parameter(self, name, param):
        if param is not None and param.device.type != "meta" and not isinstance(param, UninitializedParameter):
            known = moved.get(id(param))
            if known is None or known[0]() is not param:
                known = moved[id(param)] = (weakref.ref(param), _on_meta(param))
            param = known[1]
        return original_parameter(self, name, param)

    def register_buffer(self, name, tensor, persistent=True):
        if tensor is not None and tensor.numel() > LARGEST_VALUE and not isinstance(tensor, UninitializedBuffer):
            tensor = _on_meta(tensor)
        return original_buffer(self, name, tensor, persistent)

    nn.Module.register_parameter, nn.Module.register_buffer = register_parameter, register_buffer
    try:
        with _LargeOnMeta(only_values) as mode:
            yield mode.reads
    finally:
        nn.Module.register_parameter, nn.Module.register_buffer = original_parameter, original_buffer


def materialized_on_use(model: nn.Module) -> None:
    """Before a module's forward runs, its own parameters and buffers still on meta get CPU
    storage: initialized by its ``reset_parameters`` when it has one, else small random values
    (parameters) or zeros (buffers). Modules the forward never calls stay on meta."""
    for module in model.modules():
        if any(t is not None and t.is_meta for t in (*module._parameters.values(), *module._buffers.values())):
            module.register_forward_pre_hook(_materialize, prepend=True)


def _materialize(module: nn.Module, args: Any) -> None:
    made = False
    with torch.no_grad():
        for name, param in module._parameters.items():
            if param is not None and param.is_meta:
                module._parameters[name] = nn.Parameter(torch.empty_like(param, device="cpu").normal_(0, 0.02),
                                                        requires_grad=param.requires_grad)
                made = True
        for name, buffer in module._buffers.items():
            if buffer is not None and buffer.is_meta:
                module._buffers[name] = torch.zeros_like(buffer, device="cpu")
        reset = getattr(module, "reset_parameters", None)
        if made and callable(reset):
            with contextlib.suppress(Exception):  # a layer's own initialization, when it can run
                reset()


def _virtual_memory() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _available_memory() -> int | None:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


@contextlib.contextmanager
def memory_bounded(share: float = 0.8) -> Iterator[int | None]:
    """Cap the process's address space at what it uses now plus ``share`` of the memory
    available (never above a cap already set), so that an allocation beyond it fails with an
    exception; yields the bytes allowed to the block (None where the memory is not known)."""
    available = _available_memory()
    if available is None:
        yield None
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    used = _virtual_memory()
    cap = used + int(available * share)
    if soft != resource.RLIM_INFINITY:
        cap = min(cap, soft)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        yield None
        return
    try:
        yield max(cap - used, 0)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def out_of_memory(exc: BaseException) -> bool:
    """An allocation refused (by the cap of ``memory_bounded``, or by the machine)."""
    return isinstance(exc, MemoryError) or (isinstance(exc, RuntimeError) and (
        "can't allocate memory" in str(exc) or "not enough memory" in str(exc)))
