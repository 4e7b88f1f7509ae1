"""The calls to try, in order, to build a target: the arguments given; those of the calls in
the target's own file, then of the instances its top level built, then of the calls in the
project's tests and other files; then a guess from the parameters' names."""

from __future__ import annotations

import inspect
import reprlib
from dataclasses import dataclass
from typing import Any

from netlint.arguments.call import ArgumentsError, evaluate
from netlint.arguments.guessed import guess
from netlint.arguments.instances import Instance
from netlint.discover import Target, display_path

_short = reprlib.Repr()
_short.maxstring, _short.maxother, _short.maxlist, _short.maxtuple = 40, 40, 8, 8


@dataclass(frozen=True)
class Attempt:
    args: tuple
    kwargs: dict[str, Any]
    call: str  # how the report shows it: "UNet(n_channels=3, n_classes=2)"; "" without arguments
    source: str  # where the arguments come from: "given", "test.py:25", "guessed from parameter names"
    inputs: tuple[tuple[int, ...], ...] = ()  # the example input the same code passes to it
    guessed: bool = False


class NeedsArguments(Exception):
    """No arguments were found or can be guessed; the message says which are needed."""


def attempts(factory: Any, target: Target, namespace: dict[str, Any],
             instances: dict[type, Instance]) -> list[Attempt]:
    if target.arguments is not None:
        args, kwargs = evaluate(target.arguments, namespace)
        return [Attempt(args, kwargs, f"{target.name}({target.arguments})", target.arguments_from)]
    required = required_parameters(factory)
    calls = [c for c in target.calls if c.arguments]
    plain = next((c for c in target.calls if not c.arguments and c.inputs), None)  # Net()(x) in the code
    defaults = Attempt((), {}, "", plain.where if plain else "", plain.inputs if plain else ())
    if not required and not calls:
        return [defaults]
    found = [_from_code(call, target.name, namespace) for call in calls]  # its own file's first
    instance = instances.get(factory)
    if instance is not None:
        own = display_path(target.path) if target.path else None
        own_calls = sum(c.where.rpartition(":")[0] == own for c in calls)
        found.insert(own_calls, Attempt((), instance.kwargs, _shown(target.name, (), instance.kwargs),
                                        f"the top level of {instance.where}"))
    found = [a for a in found if a is not None]
    if not required:  # its defaults first; its file's own calls if they do not build
        return [defaults, *found]
    values, missing = guess(factory, required)
    if missing is None:
        found.append(Attempt((), values, _shown(target.name, (), values), "guessed from parameter names",
                             guessed=True))
    if not found:
        raise NeedsArguments(f"its constructor needs arguments ({', '.join(required)}) and none of the "
                             f"project's code calls it with constants; no convention covers {missing!r}")
    return found


def required_parameters(factory: Any) -> list[str]:
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in parameters
            if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _from_code(call, name: str, namespace: dict[str, Any]) -> Attempt | None:
    try:
        args, kwargs = evaluate(call.arguments, namespace)
    except ArgumentsError:  # a dotted name the model's module does not have
        return None
    return Attempt(args, kwargs, f"{name}({call.arguments})", call.where, call.inputs)


def _shown(name: str, args: tuple, kwargs: dict[str, Any]) -> str:
    parts = [_short.repr(a) for a in args] + [f"{k}={_short.repr(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"
