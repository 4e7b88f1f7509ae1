"""Build a target's model on the meta device, offline.

While the model is built, every ``nn.Module`` records where it was created: the line in
the user's code (for a layer made inside a library, the user's line that called the
library) and, for layers a library built, that library call (its ``Origin``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import re
import sys
from dataclasses import dataclass
from types import FrameType
from typing import Any, NoReturn

import torch
from torch import nn

from netlint.arguments.attempts import GUESSED, Attempt, NeedsArguments, attempts
from netlint.arguments.call import ArgumentsError
from netlint.arguments.from_code import constructors_with_arguments
from netlint.arguments.instances import Instance
from netlint.graph import Origin, ParameterInit, Site, WeightsRequest
from netlint.load.deferred import materialized_on_use, memory_bounded, out_of_memory, values_on_cpu
from netlint.load.importer import import_target_module
from netlint.load.init_evidence import recording_inits
from netlint.load.offline import META, offline_build, user_code_names_weights, weights_arguments
from netlint.load.sandbox import exit_reason
from netlint.load.stand_ins import asked_stand_in, forward_above, missing, stand_in_base
from netlint.load.training_mode import set_training
from netlint.user_code import NETLINT_DIR, LoadError, error_from, first_line, is_library_file
from netlint.paths import display_path
from netlint.sites import frame_site, user_site
from netlint.target import Target
from netlint.task import ClassCount, class_count


class SkipTarget(Exception):
    """A class found by scanning a file is not linted: it is not a model (``model`` false),
    or it needs arguments netlint could not find or guess."""

    def __init__(self, reason: str, model: bool = True) -> None:
        super().__init__(reason)
        self.model = model


@dataclass
class BuiltModel:
    model: nn.Module
    sites: dict[str, Site]  # qualified module name -> creation site
    origins: dict[str, Origin]  # qualified module name -> library call that built it
    weights_requests: list[WeightsRequest]
    source_path: str | None  # the file the target came from
    device: str  # "meta"; CPU_VALUES or "cpu" when building on meta failed (the model is moved to meta after)
    factory: Any  # to build it again, on the CPU, when its forward cannot run on meta
    target: Target
    notes: tuple[str, ...] = ()  # why it was not built on meta
    attempt: Attempt | None = None  # the call that built it, and where its arguments came from
    class_count: ClassCount | None = None  # the number of classes its arguments give it, by a parameter's name
    inits: tuple[ParameterInit, ...] = ()  # the initializations its construction made (init_evidence)


class _CreationRecorder:
    """Patches ``nn.Module.__init__`` to note, for each new module, the user's line that
    created it and the library call (if any) it was created in."""

    def __init__(self) -> None:
        self.sites: dict[int, Site] = {}
        self.origins: dict[int, Origin] = {}
        self.keep_alive: list[Any] = []  # modules and frames whose ids are keys above
        self._origin_by_frame: dict[int, Origin] = {}

    def record(self, module: nn.Module, frame: FrameType | None) -> None:
        while frame is not None and _is_own_init(frame, module):
            frame = frame.f_back
        library_frames: list[FrameType] = []
        while frame is not None and is_library_file(frame.f_code.co_filename):
            if frame.f_code.co_filename.startswith(NETLINT_DIR):
                frame = None  # reached netlint's own call of the target: no user code above
                break
            library_frames.append(frame)
            frame = frame.f_back
        if frame is None:  # built by a library alone (e.g. the target "torchvision.models:resnet50")
            outside_torch = [f for f in library_frames if "/torch/" not in f.f_code.co_filename]
            if outside_torch:
                self.sites[id(module)] = frame_site(outside_torch[0])
                self.keep_alive.append(module)
            return
        site = frame_site(frame)
        self.sites[id(module)] = site
        self.keep_alive.append(module)
        if library_frames:
            outer = library_frames[-1]  # the library frame the user's line called
            origin = self._origin_by_frame.get(id(outer))
            if origin is None:
                named = [f for f in reversed(library_frames) if "<locals>" not in f.f_code.co_qualname]
                fn = named[0] if named else outer
                function = f"{fn.f_globals.get('__name__', '?')}.{fn.f_code.co_qualname}"
                origin = Origin(function, site, module)
                self._origin_by_frame[id(outer)] = origin
                self.keep_alive.append(outer)
            self.origins[id(module)] = origin


def _is_own_init(frame: FrameType, module: nn.Module) -> bool:
    code = frame.f_code
    return code.co_argcount > 0 and frame.f_locals.get(code.co_varnames[0]) is module


def build(target: Target, instances: dict[type, Instance] | None = None) -> BuiltModel:
    """``instances``: the models the file's top level built when it was imported, whose
    arguments are used when the target needs arguments and the project has no call of it."""
    module = import_target_module(target)
    source_path = display_path(target.path) if target.path else None
    factory = _attribute(module, target.name)
    if factory is None:
        raise LoadError(f"{target.name!r} is not defined in {target.path or target.module}", source_path)
    if target.discovered and not (inspect.isclass(factory) and issubclass(factory, nn.Module)):
        base = stand_in_base(factory) if inspect.isclass(factory) else None
        if base is not None:  # the scan took it for a model; its base is from a module that is missing
            shown = f"its base {base.__module__}.{base.__qualname__} is a stand-in"
            if forward_above(factory, base):
                raise LoadError(f"{shown}: {missing(base.missing_module)}", source_path, target.line)
            raise SkipTarget(f"{shown} ({missing(base.missing_module)}): netlint cannot tell whether it is "
                             "an nn.Module", model=False)
        raise SkipTarget("not an nn.Module subclass when imported", model=False)
    if target.discovered and factory.forward is nn.Module.forward:
        raise SkipTarget("defines no forward (a base class)", model=False)
    if inspect.isclass(factory) and not issubclass(factory, nn.Module):
        raise LoadError(f"{target.name} is not an nn.Module subclass", source_path, target.line)
    if not callable(factory):
        raise LoadError(f"{target.name} is neither an nn.Module class nor a factory function", source_path)
    try:
        tries = attempts(factory, target, vars(module), instances or {})
    except ArgumentsError as exc:
        raise LoadError(f"{target.display}: {exc}", source_path, target.line) from None
    except NeedsArguments as exc:
        _skip_or_fail(target, f"{exc} — give them as '{target.display}(...)'", source_path)
    failures: list[tuple[Attempt, LoadError]] = []
    for attempt in tries:
        try:
            built = _build_on_meta_or_cpu(functools.partial(attempt.callee or factory, *attempt.args,
                                                            **attempt.kwargs), target, attempt)
            if attempt.callee is not None and inspect.isclass(factory) and not _instance_of(built.model, factory):
                raise LoadError(f"{attempt.call} returns {type(built.model).__name__}, not {target.name}",
                                source_path)
            failed = tuple(f"{a.call or target.name} ({_from(a.source)}) does not build: {f}" for a, f in failures)
            return dataclasses.replace(built, attempt=attempt, notes=failed + built.notes,
                                       class_count=class_count(attempt.callee or factory, attempt.args,
                                                               attempt.kwargs))
        except SystemExit as exc:
            failure = error_from(exc, str(target.path.resolve()) if target.path else None,
                                 message=f"exits while building {attempt.call or target.name}: {exit_reason(exc)}")
        except LoadError as exc:
            failure = exc
        failures.append((attempt, failure))
    older = {why for _, f in failures if (why := written_for_older_versions(str(f)))}
    if len(older) == 1 and all(written_for_older_versions(str(f)) for _, f in failures):
        failure = failures[0][1]  # the same failure of the project's code whatever the arguments: no guess helps
        raise LoadError(f"building {target.name} failed in the project's code, whatever its arguments: "
                        f"{older.pop()}: {first_line(failure.__cause__) if failure.__cause__ else failure}",
                        failure.path, failure.line) from failure
    given = [(a, f) for a, f in failures if not a.guessed]
    hint = _constructors_hint(target, factory)
    if given:  # the arguments given or the project's own do not build: an error
        attempt, failure = given[0]
        if not attempt.call and target.arguments is None and _takes_parameters(factory) \
                and not isinstance(failure.__cause__, (ImportError, OSError, MemoryError)):  # (no arguments help)
            # (its defaults, as ShuffleNet's architecture=None that an assert refuses)
            raise LoadError(f"{failure} — with its defaults; give the arguments as '{target.display}(...)'{hint}",
                            failure.path, failure.line) from failure
        if hint and target.arguments is None:
            raise LoadError(f"{failure}{hint}", failure.path, failure.line) from failure
        raise failure
    attempt, failure = failures[0]
    made = f"the guess {attempt.call}" if attempt.source == GUESSED else f"{attempt.call} ({_from(attempt.source)})"
    _skip_or_fail(target, f"its constructor needs arguments; {made} does not build ({failure}) — give them "
                          f"as '{target.display}(...)'{hint}", source_path)


# Failures of code written for an older Python, torch or numpy, whatever the arguments: what
# the project's code does that the installed versions refuse.
_OLDER_VERSIONS = (
    (re.compile(r"module name can\\?'t contain"),
     "it names a module with a '.', which this torch refuses (older versions accepted it)"),
    (re.compile(r"must be tuple of ints, but found element of type float|'float' object cannot be interpreted as an "
                r"integer|argument '\w+' must be int, not float|empty\(\) received an invalid combination of arguments"
                r".*float"),
     "it gives a layer a size that is a float (written for Python 2, where / of two integers is an integer)"),
    (re.compile(r"module 'numpy' has no attribute '(?:float|int|bool|object|complex|long|str|unicode)'"),
     "it uses a numpy alias of a builtin type (np.float, np.int, ...) that numpy 1.24 removed"),
    (re.compile(r"_ConvNd\.__init__\(\) missing .*'padding_mode'"),
     "it subclasses torch's private _ConvNd with the arguments of an older torch"),
    (re.compile(r"Legacy autograd function with non-static forward method"),
     "it calls an autograd Function instance with a non-static forward, which torch refuses since 1.5"),
    (re.compile(r"argument 'output_padding' .*must be tuple of ints, but found element of type bool"),
     "it gives a transposed convolution output_padding=True/False, a bool, which this torch refuses "
     "(older versions took it as 1/0)"),
)


def written_for_older_versions(failure: str) -> str | None:
    """Why a build failure is the project's code written for older versions, if it is."""
    return next((why for pattern, why in _OLDER_VERSIONS if pattern.search(failure)), None)


def older_code_failure(exc: BaseException) -> str | None:
    """A forward's failure that is the project's code written for older versions: why, and the
    line of the project's code that ran into it."""
    why = written_for_older_versions(str(exc))
    if why is None:
        return None
    located = error_from(exc, None)
    where = f"{located.path}:{located.line}" if located.path and located.line else "the project's code"
    return f"{why}: {where} does not run on this torch version ({torch.__version__.split('+')[0]})"


def _takes_parameters(factory: Any) -> bool:
    try:
        return any(p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                   for p in inspect.signature(factory).parameters.values())
    except (TypeError, ValueError):
        return False


def _constructors_hint(target: Target, factory: Any) -> str:
    """Its classmethod constructors that need arguments, as targets to write."""
    if target.path is None or not inspect.isclass(factory):
        return ""
    found = constructors_with_arguments(target.path, target.name)
    shown = [f"'{target.display.partition('(')[0]}.{name}({', '.join(required)})'" for name, required in found.items()]
    return f"; or build it with a classmethod: {' or '.join(shown)}" if shown else ""


def _attribute(module: Any, name: str) -> Any:
    """``Net``, or a classmethod constructor ``Net.from_name``, of the module."""
    value: Any = module
    for part in name.split("."):
        value = getattr(value, part, None)
    return value


def _instance_of(model: Any, cls: type) -> bool:
    """``isinstance``, also when the project's factory imported the class's file under another
    module name (``from resnet import ResNet`` beside it): the same class of the same file."""
    if isinstance(model, cls):
        return True
    try:
        return any(c.__qualname__ == cls.__qualname__ and inspect.getfile(c) == inspect.getfile(cls)
                   for c in type(model).__mro__)
    except (TypeError, OSError):
        return False


def _skip_or_fail(target: Target, reason: str, source_path: str | None) -> NoReturn:
    """A model found by scanning is skipped; one the user named is an error."""
    if target.discovered:
        raise SkipTarget(reason)
    raise LoadError(reason, source_path, target.line)


CPU_VALUES = "meta-with-cpu-values"  # built on the CPU with every parameter on meta (load/deferred)


def _build_on_meta_or_cpu(factory: Any, target: Target, attempt: Attempt) -> BuiltModel:
    """On meta, the values the constructor reads from ranges and data on the CPU (one build: on
    meta when it reads none); else with every small tensor on the CPU and its parameters on meta;
    else, the last resort, on the CPU within the memory available."""
    try:
        return build_with(factory, META, target, cpu_values=True)
    except Exception as exc:  # e.g. .item() on a tensor made by torch.zeros while building
        meta_failure = first_line(exc)
    try:
        built = build_with(factory, torch.device("cpu"), target, cpu_values=True)
        return dataclasses.replace(built, notes=(f"it does not build on meta ({meta_failure}): built with the "
                                                 "values its constructor reads on the CPU, its parameters on meta",))
    except LoadError:
        raise
    except Exception as exc:  # its code reads a parameter's value, or mixes a meta tensor with a CPU one
        deferred_failure = first_line(exc)
    what = attempt.call or target.name
    source = f" ({_from(attempt.source)})" if attempt.source else ""
    path, prefix = str(target.path.resolve()) if target.path else None, f"building {what}{source} failed: "
    try:
        with memory_bounded() as allowed:
            built = build_with(factory, torch.device("cpu"), target)
        return dataclasses.replace(built, notes=(f"it does not build on meta ({meta_failure}) nor with its "
                                                 f"parameters on meta ({deferred_failure}): built on the CPU, "
                                                 "then moved to meta",))
    except LoadError:
        raise
    except Exception as exc:
        if out_of_memory(exc):
            limit = f" ({allowed / 1024 ** 3:.1f} GB)" if allowed and allowed > 1024 ** 3 / 10 else ""
            raise LoadError(f"building {what}{source} on the CPU needs more memory than is available{limit}: "
                            f"it does not build on meta ({meta_failure}) nor with its parameters on meta "
                            f"({deferred_failure})", display_path(target.path) if target.path else None,
                            target.line) from MemoryError()  # (no arguments would help)
        asked = asked_stand_in(path, prefix)
        if asked:
            raise asked  # (its cause: the missing module)
        raise error_from(exc, path, prefix=prefix) from exc


def _from(source: str) -> str:
    return f"arguments {source}" if source in ("given", GUESSED) \
        else f"arguments from {source}"


def build_with(factory: Any, device: torch.device, target: Target, to_meta: bool = True,
               cpu_values: bool = False) -> BuiltModel:
    """Build on ``device``, recording creation sites; the model is then moved to meta
    (``to()`` keeps tied parameters tied) unless ``to_meta`` is false. ``cpu_values``: on
    the CPU with every parameter on meta (load/deferred); on meta, the values made from ranges
    and data on the CPU: on meta when the constructor reads none of them."""
    source_path = display_path(target.path) if target.path else None
    with recording_inits() as init_recorder:
        model, recorder, weight_events, reads = _construct(factory, device, cpu_values)
    if not isinstance(model, nn.Module):
        raise LoadError(f"{target.name}() returned {type(model).__name__}, not an nn.Module", source_path)
    inits = init_recorder.resolved(model)
    if to_meta:
        model.to(META)
    set_training(model, False)

    names = {id(m): name for name, m in model.named_modules()}
    sites = {names[key]: site for key, site in recorder.sites.items() if key in names}
    origins = {names[key]: origin for key, origin in recorder.origins.items() if key in names}
    requests = [WeightsRequest(weights, name, recorder.origins.get(id(receiver)), receiver,
                               site or recorder.sites.get(id(receiver)))
                for weights, receiver, site in weight_events for name in _kept_names(receiver, names)]
    built_on = CPU_VALUES if cpu_values and (reads or device.type != "meta") else device.type
    notes = (f"its constructor reads tensor values ({reads[0]}): built with the values on the CPU, its parameters "
             "on meta",) if built_on == CPU_VALUES and device.type == "meta" else ()
    return BuiltModel(model, sites, origins, requests, source_path, built_on, factory, target, notes=notes,
                      inits=inits)


def _kept_names(receiver: nn.Module | None, names: dict[int, str]) -> list[str]:
    """Where the model keeps a module: its name, else the names of its topmost submodules
    the model holds (``self.features = net.features``), none when it keeps nothing of it;
    the model itself when no module is known (weights copied by hand)."""
    if receiver is None:
        return [""]
    if id(receiver) in names:
        return [names[id(receiver)]]
    kept: list[str] = []
    for _, module in receiver.named_modules():
        name = names.get(id(module))
        if name is not None and not any(name.startswith(k + ".") for k in kept):
            kept.append(name)
    holders = {name.rpartition(".")[0] for name in kept}
    if len(holders) == 1 and "" not in holders:  # timm's features_only wrapper holds all the parts
        holder = holders.pop()
        if len(kept) == len(_names_of_children(holder, names)):
            return [holder]
    return kept


def _names_of_children(holder: str, names: dict[int, str]) -> list[str]:
    return [n for n in names.values() if n.rpartition(".")[0] == holder and n != holder]


def rebuild_on_cpu(built: BuiltModel, whole: bool = False) -> BuiltModel:
    """The same model on the CPU, for a forward that cannot run on meta (``.item()``, numpy,
    Python arithmetic on tensor values): its parameters get CPU storage (random) only when
    their module's forward runs; ``whole``: all of them built on the CPU, within the memory
    available."""
    if whole:
        with memory_bounded():
            return build_with(built.factory, torch.device("cpu"), built.target, to_meta=False)
    cpu = build_with(built.factory, torch.device("cpu"), built.target, to_meta=False, cpu_values=True)
    materialized_on_use(cpu.model)
    return cpu


def _construct(factory: Any, device: torch.device, deferred: bool = False):
    """Call the factory on ``device``, offline, recording where every module is created."""
    recorder = _CreationRecorder()
    weight_events: list[tuple[str, nn.Module | None, Site | None]] = []
    asked: dict[int, tuple[str, nn.Module, Site]] = {}  # by the module a call returned
    original_init = nn.Module.__init__

    def init_and_record(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        recorder.record(self, sys._getframe(1))

    def on_argument(weights: str, module: nn.Module, caller: FrameType | None) -> None:
        site = user_site(caller)
        if site is not None:  # an outer call of the same module (torchvision's resnet50 → _resnet) wins
            asked[id(module)] = (weights, module, site)

    nn.Module.__init__ = init_and_record
    try:
        watched = weights_arguments(on_argument) if user_code_names_weights() else contextlib.nullcontext()
        # (on meta, only the values made from ranges and data on the CPU)
        with values_on_cpu(only_values=device.type == "meta") if deferred else contextlib.nullcontext([]) as reads, \
                offline_build(device, lambda weights, module: weight_events.append((weights, module, None))), watched:
            model = factory()
    finally:
        nn.Module.__init__ = original_init
    return model, recorder, weight_events + _asked_only(asked.values(), weight_events, model), reads


def _asked_only(asked, weight_events, model: Any) -> list[tuple[str, nn.Module, Site]]:
    """The weights asked for by an argument to a call that returned a module, when no
    request for that module (or a part of it, or a whole it belongs to) was answered."""
    received = {id(m) for _, m, _ in weight_events if m is not None}
    kept = []
    for weights, module, site in asked:
        parts = {id(m) for m in module.modules()}
        if module is model or parts & received or any(id(module) in {id(m) for m in r.modules()}
                                                          for _, r, _ in weight_events if r is not None):
            continue
        kept.append((weights, module, site))
    return kept
