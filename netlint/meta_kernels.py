"""Shapes for whole classes of ATen ops on meta tensors, and torch's compiler kept unloaded.

torch's meta kernels for pointwise ops (``aten.where``, ``aten._prelu_kernel``, most
activations) and for several reductions are Python references from ``torch._refs`` and
``torch._decomp``. Two things make them expensive in a cold worker: each is wrapped by
``torch._compile._disable_dynamo``, whose first call imports ``torch._dynamo`` (about 2 s), and
their type promotion (``torch._prims_common.elementwise_dtypes``) imports sympy (about 0.4 s).
Netlint never runs under torch.compile and never needs either.

Two mechanisms, both below the autograd layer so that gradients are recorded as usual:

- ``MetaKernels``, a ``TorchDispatchMode``: an op tagged ``torch.Tag.pointwise`` whose tensor
  arguments are all plain meta tensors gets an empty meta tensor of the inputs' broadcast shape;
  an op tagged ``torch.Tag.reduction`` gets its input's shape with the ``dim`` argument's
  dimensions removed (or kept as 1 with ``keepdim``). The dtype (and the number of outputs)
  comes from the very op run on the CPU on tensors of one element per dimension of the same
  dtypes: type promotion exactly as torch's kernels do it, cached per argument signature. Any
  other case (an ``out=`` variant, a random op, CPU tensors, tensor subclasses, a probe that
  raises, shapes that do not broadcast, a layout other than contiguous or channels-last) goes to
  the real kernel, which computes it or raises the real error; while it runs the mode stays
  active, so the ops a Python decomposition calls get the same treatment. Views and reshapes
  need nothing: their meta kernels are C++ (``view``, ``reshape``, ``permute``, ``expand``…).
- ``defuse_dynamo_disable()``: for the ops still left to a Python kernel (``pixel_shuffle``,
  the pools…), the ``_disable_dynamo`` wrapper caches the ``torch._dynamo.disable``-d function
  on the wrapped one (``fn.__dynamo_disable``) at its first call. We set that cache beforehand
  to a function that calls the kernel directly while ``torch._dynamo`` is not loaded, and
  otherwise makes and caches the real disabled function, as torch would. This is sound:
  ``disable`` only keeps dynamo's frame evaluation from tracing into the kernel, and only
  ``torch._dynamo`` installs that evaluation hook, so without it loaded there is nothing to
  keep out. A stand-in ``torch._dynamo`` module would not be: export (capture's second tier)
  needs the real one in the same worker.
- ``symbolic_stand_ins()``: the Python kernels left (pools, pads, upsampling: a kernel a layer,
  too many for shape rules one by one) call ``torch._check(cond)``, which imports
  ``torch.fx.experimental.symbolic_shapes`` (and sympy) for ``expect_true``, and type promotion
  does ``import sympy`` for ``isinstance(x, sympy.Basic)``. Both only matter for symbolic sizes,
  and there are none before sympy is loaded. While ``MetaShapes`` is active, and only while
  neither is loaded, ``sys.modules`` holds a stand-in for each: ``expect_true`` of a Python bool
  is the bool, and no value is a ``sympy.Basic`` (no sympy object can exist yet). Any other
  use of a stand-in (an attribute read or set, a submodule) imports the real module, which
  replaces it in ``sys.modules``, and is forwarded to it, so code that bound the stand-in
  still works; on leaving, stand-ins still in place are removed.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import operator
import sys
import types
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode

_PLAIN = (torch.Tensor, torch.nn.Parameter)
_SCALARS = (bool, int, float, complex)
_UNSET = object()


def _plain_meta(value: Any) -> bool:
    return type(value) in _PLAIN and value.is_meta


def broadcast_shape(*shapes: torch.Size) -> torch.Size | None:
    """The shapes broadcast together, None when they do not (``torch.broadcast_shapes`` is a
    Python reference that imports sympy on its first call)."""
    rank = max(len(shape) for shape in shapes)
    result = [1] * rank
    for shape in shapes:
        for i, n in enumerate(shape, rank - len(shape)):
            if n != 1:
                if result[i] not in (1, n):
                    return None
                result[i] = n
    return torch.Size(result)


def _probe(value: Any) -> Any:
    """A CPU stand-in of one element per dimension: type promotion sees the same dtype and
    the same 0-d or dimensioned category."""
    return torch.ones((1,) * value.dim(), dtype=value.dtype) if isinstance(value, torch.Tensor) else value


def _signature(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.dtype, value.dim() == 0
    if isinstance(value, _SCALARS):
        return type(value)
    if isinstance(value, (list, tuple)):
        return tuple(_signature(v) for v in value)
    return value  # None, a string, a dtype: hashable, and they can change the result's dtype


_dtypes: dict[Any, tuple[torch.dtype, ...] | None] = {}


def _result_dtypes(func, args: tuple, kwargs: dict) -> tuple[torch.dtype, ...] | None:
    """The dtypes of the op's outputs, from a run on one-element CPU tensors (None: it raised)."""
    try:
        key = (func, _signature(args), tuple(sorted((k, _signature(v)) for k, v in kwargs.items())))
        hash(key)
    except TypeError:
        key = None
    if key is not None and key in _dtypes:
        return _dtypes[key]
    try:
        with warnings.catch_warnings():  # a one-element variance warns about its degrees of freedom
            warnings.simplefilter("ignore")
            out = func(*[_probe(a) for a in args], **{k: _probe(v) for k, v in kwargs.items()})
        outputs = out if isinstance(out, (tuple, list)) else (out,)
        found = tuple(o.dtype for o in outputs) if all(isinstance(o, torch.Tensor) for o in outputs) else None
    except Exception:  # what the real kernel says about these arguments
        found = None
    if key is not None:
        _dtypes[key] = found
    return found


def _layout(tensors: list[torch.Tensor], rank: int) -> torch.memory_format | None:
    """Contiguous or channels-last, when every full-rank input agrees; None: the kernel decides."""
    full = [t for t in tensors if t.dim() == rank]
    if all(t.is_contiguous() for t in full):
        return torch.contiguous_format
    if rank == 4 and all(t.is_contiguous(memory_format=torch.channels_last) for t in full):
        return torch.channels_last
    return None


def _writes_first(func) -> bool:
    arguments = func._schema.arguments
    return bool(arguments) and arguments[0].alias_info is not None and arguments[0].alias_info.is_write


def _pointwise(func, args: tuple, kwargs: dict) -> Any:
    values = [*args, *kwargs.values()]
    if any(isinstance(v, (list, tuple)) for v in values):
        return None
    tensors = [v for v in values if isinstance(v, torch.Tensor)]
    if not tensors or not all(_plain_meta(t) for t in tensors):
        return None
    shape = broadcast_shape(*(t.shape for t in tensors))
    if shape is None:
        return None
    layout = _layout(tensors, len(shape))
    dtypes = _result_dtypes(func, args, kwargs)
    if layout is None or dtypes is None or len(dtypes) != 1:
        return None
    if _writes_first(func):  # in place: the tensor itself, when the result fits it
        first = args[0] if args else None
        return first if _plain_meta(first) and first.shape == shape and first.dtype == dtypes[0] else None
    return torch.empty(shape, dtype=dtypes[0], device="meta", memory_format=layout)


_UNKNOWN_SHAPE = (torch.Tag.dynamic_output_shape, torch.Tag.data_dependent_output, torch.Tag.nondeterministic_seeded,
                  torch.Tag.inplace_view)
_keeps: dict[Any, tuple[torch.dtype, ...] | None] = {}


def _shape_keeping(func, args: tuple, kwargs: dict) -> Any:
    """An op of one tensor whose Python kernel keeps its shape (``hardswish``, not tagged
    pointwise): the op run on CPU tensors of 2 and of 3 elements per dimension returns one
    tensor of its input's shape both times (and its dtype: cached per argument signature)."""
    if not args or not _plain_meta(args[0]) or _writes_first(func) or func.is_view \
            or any(isinstance(v, (torch.Tensor, list, tuple)) for v in (*args[1:], *kwargs.values())) \
            or any(tag in func.tags for tag in _UNKNOWN_SHAPE) or len(func._schema.returns) != 1:
        return None
    source = args[0]
    try:
        key = (func, _signature(args), tuple(sorted((k, _signature(v)) for k, v in kwargs.items())))
        hash(key)
    except TypeError:
        return None
    if key not in _keeps:
        _keeps[key] = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                outputs = [func(torch.ones((n,) * source.dim(), dtype=source.dtype), *args[1:], **kwargs)
                           for n in (2, 3)]
            if all(isinstance(o, torch.Tensor) and o.shape == (n,) * source.dim() for o, n in zip(outputs, (2, 3))):
                _keeps[key] = (outputs[0].dtype,)
        except Exception:  # what the real kernel says about these arguments
            pass
    dtypes = _keeps[key]
    layout = _layout([source], source.dim())
    if dtypes is None or layout is None:
        return None
    return torch.empty(source.shape, dtype=dtypes[0], device="meta", memory_format=layout)


def _bound(func, args: tuple, kwargs: dict) -> dict[str, Any] | None:
    """The op's arguments by name, with the schema's defaults."""
    named: dict[str, Any] = {}
    arguments = func._schema.arguments
    if len(args) > len(arguments):
        return None
    for argument, value in zip(arguments, args):
        named[argument.name] = value
    named.update(kwargs)
    for argument in arguments:
        if argument.name not in named:
            named[argument.name] = argument.default_value if argument.has_default_value() else _UNSET
    return named


def _reduction(func, args: tuple, kwargs: dict) -> Any:
    named = _bound(func, args, kwargs)
    if named is None or _writes_first(func):
        return None
    tensors = [v for v in named.values() if isinstance(v, torch.Tensor)]
    source = named.get("self")
    if len(tensors) != 1 or tensors[0] is not source or not _plain_meta(source):
        return None
    dim, keepdim = named.get("dim", None), named.get("keepdim", False)
    rank = source.dim()
    if isinstance(dim, (list, tuple)) and not dim:
        return None  # an empty list: all dimensions for sum, none for any and all; the kernel knows
    dims = [] if dim in (None, _UNSET) else [dim] if isinstance(dim, int) else list(dim)
    if not all(type(d) is int and -max(rank, 1) <= d < max(rank, 1) for d in dims) or type(keepdim) is not bool:
        return None
    reduced = {d % max(rank, 1) for d in dims} if dims else set(range(rank))
    if len(reduced) != len(dims) and dims:
        return None  # a repeated dimension: the kernel raises
    dtypes = _result_dtypes(func, args, kwargs)
    if dtypes is None or rank == 0 and dims:
        return None
    shape = [1 if i in reduced else n for i, n in enumerate(source.shape) if keepdim or i not in reduced]
    outputs = tuple(torch.empty(shape, dtype=d, device="meta") for d in dtypes)
    return outputs if len(outputs) > 1 or isinstance(func._schema.returns, list) and len(func._schema.returns) > 1 \
        else outputs[0]


class MetaKernels(TorchDispatchMode):
    """While active, pointwise ops and reductions on meta tensors take the shape rules above."""

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        return False  # no torch.compile runs under it: its handler needs no _disable_dynamo wrapper

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        result = None
        tags = func.tags
        device = kwargs.get("device")
        elsewhere = device is not None and torch.device(device).type != "meta"  # empty_like(t, device="cpu")
        # a layout asked for (reshape's contiguous clone of a channels-last-looking tensor): the kernel's strides
        layout = kwargs.get("memory_format") not in (None, torch.preserve_format)
        if torch.Tag.out in tags or "out" in kwargs or torch.Tag.nondeterministic_seeded in tags or elsewhere \
                or layout:
            pass
        elif torch.Tag.pointwise in tags:
            result = _pointwise(func, args, kwargs)
        elif torch.Tag.reduction in tags:
            result = _reduction(func, args, kwargs)
        if result is not None:
            return result
        kernel = _python_meta_kernel(func) if _all_plain_meta(args, kwargs) and not elsewhere else None
        if kernel is None:
            return func(*args, **kwargs)
        result = _shape_keeping(func, args, kwargs)
        if result is not None:
            return result
        with MetaKernels():  # the ops the Python kernel calls take the rules as well
            return kernel(*args, **kwargs)


def _all_plain_meta(args: tuple, kwargs: dict) -> bool:
    values = [*args, *kwargs.values()]
    values += [v for value in values if isinstance(value, (list, tuple)) for v in value]
    tensors = [v for v in values if isinstance(v, torch.Tensor)]
    return bool(tensors) and all(_plain_meta(t) for t in tensors)


_NOT_ACTIVATED = {"aten::empty_strided", "aten::clone", "aten::_to_copy", "aten::copy_", "aten::constant_pad_nd",
                  "aten::rot90", "aten::as_strided_scatter", "aten::stack"}
_kernels: dict[Any, Any] = {}


def _python_meta_kernel(func) -> Any:
    """The op's Meta kernel when it is a Python function: the ops that
    ``torch._meta_registrations.activate_meta`` registers (the same conditions), else None."""
    if func not in _kernels:
        kernel = func.py_kernels.get(torch._C.DispatchKey.Meta) if isinstance(func, torch._ops.OpOverload) else None
        name = func.name() if kernel is not None else ""
        composite = torch._C._dispatch_has_kernel_for_dispatch_key(name, "CompositeImplicitAutograd") if name else False
        if kernel is not None and (func.is_view or name in _NOT_ACTIVATED or composite
                                   or "::" in name and not name.startswith("aten::")):
            kernel = None
        _kernels[func] = kernel
    return _kernels[func]


_defused = False


def defuse_dynamo_disable() -> None:
    """Set the cache of every ``_disable_dynamo``-wrapped kernel (see the module docstring)."""
    global _defused
    if _defused:
        return
    _defused = True
    from torch._compile import _disable_dynamo
    from torch._decomp import global_decomposition_table

    inner_code = _disable_dynamo(lambda: None).__code__
    seen: set[int] = set()
    candidates = [value for name, module in list(sys.modules.items())
                  if module is not None and name.startswith(("torch._refs", "torch._decomp", "torch._prims",
                                                             "torch._meta_registrations"))
                  for value in list(vars(module).values())]
    candidates += [kernel for table in global_decomposition_table.values() for kernel in table.values()]
    for candidate in candidates:
        while callable(candidate) and id(candidate) not in seen:
            seen.add(id(candidate))
            if getattr(candidate, "__code__", None) is inner_code:
                _defuse(candidate)
                break
            candidate = getattr(candidate, "__wrapped__", None)


def _defuse(inner) -> None:
    cells = dict(zip(inner.__code__.co_freevars, (cell.cell_contents for cell in inner.__closure__ or ())))
    kernel, recursive = cells.get("fn"), cells.get("recursive", True)
    if kernel is None or getattr(kernel, "__dynamo_disable", None) is not None:
        return

    def undisabled(*args, **kwargs):
        dynamo = sys.modules.get("torch._dynamo")
        if dynamo is None:  # no frame evaluation hook can be installed: nothing to disable
            return kernel(*args, **kwargs)
        disabled = dynamo.disable(kernel, recursive, wrapping=False)
        setattr(kernel, "__dynamo_disable", disabled)
        return disabled(*args, **kwargs)

    setattr(kernel, "__dynamo_disable", undisabled)


class _StandIn(types.ModuleType):
    """A module in ``sys.modules`` until anything but its cheap answers is asked for."""

    def __init__(self, name: str, cheap: dict[str, Any], package: bool) -> None:
        super().__init__(name)
        vars(self)["_cheap"] = cheap
        vars(self)["_package"] = package  # a package has a __path__ (its submodules are the real ones)

    def _real(self) -> types.ModuleType:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return importlib.import_module(self.__name__)

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            if name in vars(self)["_cheap"]:
                return vars(self)["_cheap"][name]
            if name.startswith("__") and name != "__all__" and not (name == "__path__" and vars(self)["_package"]):
                raise AttributeError(name)  # a scan of sys.modules reading __file__ is no use of the module
        return getattr(self._real(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._real(), name, value)


class _NoSympyValue:
    """``sympy.Basic`` before sympy is loaded: nothing is one."""


def _plain(value: Any) -> bool:
    """A Python value that no symbolic size can hide in."""
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (bool, int, float, str)


def _on_plain_values(name: str, cheap: Callable[..., Any]) -> Callable[..., Any]:
    """``symbolic_shapes.<name>``: ``cheap`` on plain Python values, else the real function."""

    def function(*args, **kwargs):
        if _plain(args) and _plain(tuple(kwargs.values())):
            return cheap(*args, **kwargs)
        return getattr(importlib.import_module(_SYMBOLIC), name)(*args, **kwargs)

    return function


def _sym_eq(x, y):
    if isinstance(x, (tuple, list)) and isinstance(y, (list, tuple)):
        return len(x) == len(y) and all(_sym_eq(a, b) for a, b in zip(x, y))
    return x == y


# What the Python kernels ask symbolic_shapes about plain sizes: on a bool or an int each of
# these is the value itself (torch's own definitions, without the symbolic branches).
_SYMBOLIC_ON_PLAIN = {
    "expect_true": lambda cond, *args, **kwargs: cond,
    "guard_or_false": lambda a: a,
    "guard_or_true": lambda a: a,
    "guard_size_oblivious": lambda expr: expr,
    "statically_known_true": lambda x: x,
    "guard_bool": lambda a: a,
    "guard_int": lambda a: a,
    "guarding_hint_or_throw": lambda a: a,
    "has_guarding_hint": lambda a: True,
    "is_nested_int": lambda s: False,
    "is_concrete_int": lambda a: True,
    "sym_and": lambda x, *others: functools.reduce(operator.and_, others, x),
    "sym_or": lambda x, *others: functools.reduce(operator.or_, others, x),
    "sym_eq": _sym_eq,
}


_SYMBOLIC = "torch.fx.experimental.symbolic_shapes"


@contextlib.contextmanager
def symbolic_stand_ins() -> Iterator[None]:
    """Stand-ins for sympy and torch's symbolic shapes while neither is loaded (see above)."""
    placed = []
    if _SYMBOLIC not in sys.modules and "sympy" not in sys.modules:
        placed = [_StandIn("sympy", {"Basic": _NoSympyValue}, package=True),
                  _StandIn(_SYMBOLIC, {n: _on_plain_values(n, cheap) for n, cheap in _SYMBOLIC_ON_PLAIN.items()},
                           package=False)]
        for stand_in in placed:
            sys.modules[stand_in.__name__] = stand_in
    try:
        yield
    finally:
        for stand_in in placed:
            if sys.modules.get(stand_in.__name__) is stand_in:
                del sys.modules[stand_in.__name__]
