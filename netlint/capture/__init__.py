"""Turn a built model into a ModelGraph, trying capture tiers from the most to the least
precise: fx, torch.export, a hooked eager forward, and the bare module tree.

A hooked eager forward always runs: it is the reference the fx graph is checked against
(fx can trace a graph that silently drops a branch), and the fallback when fx and export
both fail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import torch
from torch import nn

from netlint.capture import eager, export, fx
from netlint.graph import ModelGraph, Shape
from netlint.capture.inputs import (IMAGE_SIDES, SMALL_SIDE, InputError, InputHints, declared_input, example_inputs,
                            guess_by_name, guess_from_tree, input_hints, is_size_error, required_inputs,
                            with_channels)
from netlint.capture.layers import ForwardError, Trace, module_layer
from netlint.load import BuiltModel, SkipTarget, rebuild_on_cpu
from netlint.meta_shapes import MetaShapes
from netlint.task import Evidence, infer_task

TIERS = ("fx", "export", "eager", "modules")
# What each tier gives rules; "execution" (which parameters a real forward read) comes from
# the eager runs that every tier but the module tree makes.
TIER_PROVIDES = {"fx": {"modules", "shapes", "dataflow", "execution"},
                 "export": {"modules", "shapes", "dataflow", "execution"},
                 "eager": {"modules", "shapes", "dataflow", "execution"},
                 "modules": {"modules"}}


class CaptureError(Exception):
    pass


def capture(built: BuiltModel, target: str, input_shapes: Sequence[Shape] = (),
            task: str = "auto") -> ModelGraph:
    notes: list[str] = list(built.notes)
    model = built.model
    try:
        fx_graph = fx.trace(model)
    except Exception as exc:
        fx_graph = None
        notes.append(f"fx could not trace {type(model).__name__}: {_describe(exc)}")
    names = fx.input_names(fx_graph) if fx_graph is not None else required_inputs(model)

    try:
        # the model the reference forward ran on: the meta one, or a CPU build of it
        inputs, reason, reference, built = _reference_run(built, fx_graph, names, input_shapes, notes)
    except CaptureError as exc:
        attempt = built.attempt
        if attempt is not None and attempt.guessed and built.target.discovered:  # netlint's guess: a skip
            raise SkipTarget(f"its constructor needs arguments; with {attempt.call} ({attempt.source}) its {exc} "
                             f"— give them as '{built.target.display}(...)'") from exc
        raise
    except InputError as exc:
        if input_shapes:  # the given shapes do not fit the forward: the user's to fix
            raise CaptureError(str(exc)) from exc
        notes.append(f"{exc}: only the module tree is analyzed")
        return _graph(built, target, _module_tree(built), "modules", (), str(exc), task, notes, None)
    tier, trace = _best_trace(built, fx_graph, inputs, reference, notes)
    shapes = tuple(tuple(t.shape) for t in inputs)
    unused = _unused_parameters(built, inputs, reference, notes)
    return _graph(built, target, trace, tier, shapes, reason, task, notes, unused, reference.module_calls)


def _reference_run(built: BuiltModel, fx_graph, names: list[str], given: Sequence[Shape],
                   notes: list[str]) -> tuple[list[torch.Tensor], str, Trace, BuiltModel]:
    """Run the forward eagerly on meta at the example input (the size the model declares, else
    the first of IMAGE_SIDES that runs), else on the CPU at a small input (or at the side that
    got past the size checks on meta). Each search moves to the next side only while the
    forward fails on a size, and a forward that runs nowhere reports its first failure."""
    declared = [declared_input(built.model)] if len(names) == 1 and declared_input(built.model) else None
    attempt = built.attempt
    hints = input_hints(built.model, type(built.model) if attempt is None or attempt.callee is None else None,
                        attempt.args if attempt else (), attempt.kwargs if attempt else {})
    meta = _Search(names, given, IMAGE_SIDES[0])
    trace = meta.run(built, _candidates(built.model, fx_graph, names, given, declared, IMAGE_SIDES, hints))
    if trace is not None:
        return meta.inputs, meta.reason, trace, built
    first_error = _forward_error(*meta.first, also_failed=meta.also_failed, all_same=meta.all_same, names=names)
    first_error.__cause__ = meta_failure = meta.first[0].__cause__ or meta.first[0]
    sides = (meta.passed_side,) if meta.passed_side else (SMALL_SIDE, *(s for s in IMAGE_SIDES if s < SMALL_SIDE))
    try:
        with torch.random.fork_rng(devices=()):  # seeded weights and inputs: the same report every run
            torch.manual_seed(0)
            cpu = rebuild_on_cpu(built)
            on_cpu = _Search(names, given, SMALL_SIDE, device="cpu")
            trace = on_cpu.run(cpu, _candidates(cpu.model, fx_graph, names, given,
                                                None if meta.passed_side else declared, sides, hints))
    except Exception:
        trace = None
    if trace is None:
        raise first_error from None
    notes.append(f"the forward does not run on meta ({_describe(meta_failure)}): built on the CPU "
                 "and run at a small input instead")
    return on_cpu.inputs, on_cpu.reason, trace, cpu


class _Search:
    """Runs the forward at each candidate input in turn, until one runs or one fails for
    another reason than its size; keeps the inputs that ran, or the first failure."""

    def __init__(self, names: list[str], given: Sequence[Shape], default_side: int, device: str = "meta"):
        self.names, self.given, self.default_side, self.device = names, given, default_side, device
        self.inputs: list[torch.Tensor] = []
        self.reason = ""
        self.first: tuple | None = None  # (exception, inputs, reason) of the first failure
        self.also_failed: list[int] = []  # the sides tried after it
        self.passed_side: int | None = None  # a side tried later that got past the size checks
        self.all_same = True  # every side failed as the first did: the size is not the problem

    def run(self, built: BuiltModel, candidates) -> Trace | None:
        for side, guesses in candidates:
            inputs, reason = example_inputs(self.names, guesses, self.given, self.device)
            if self.device != "meta":
                inputs = [torch.randn_like(t) if t.is_floating_point() else t for t in inputs]
            reason += f", side {side} found by trying sizes" if side not in (None, self.default_side) else ""
            try:
                trace = eager.run(built.model, inputs, built)
            except Exception as exc:
                trace = self._with_the_parts_channels(built, exc, inputs, reason)
                if trace is not None:
                    return trace
                if self.first is None:
                    self.first = exc, inputs, reason
                else:
                    self.also_failed.append(side)
                    self.all_same = self.all_same and _same_failure(exc, self.first[0])
                if not is_size_error(exc.__cause__ or exc):
                    self.passed_side = side if self.also_failed else None
                    return None
                continue
            self.inputs, self.reason = inputs, reason
            return trace
        return None


    def _with_the_parts_channels(self, built: BuiltModel, exc: BaseException, inputs: list[torch.Tensor],
                                 reason: str) -> Trace | None:
        """A layer that reads a part of an input (``torch.chunk``, ``split``, a slice along the
        channels: the two views of a stereo pair) and is given fewer channels than it takes:
        the input has that many channels several times over, 2, 3 or 4 (tried in that order)."""
        failed = getattr(exc, "failed", None)
        channels = failed.channels() if failed is not None else None
        if self.given or channels is None or failed.from_input is None:
            return None
        (given, takes), position = channels, failed.from_input
        shape = tuple(inputs[position].shape)
        if len(shape) < 3 or given >= shape[1]:
            return None
        for parts in (2, 3, 4):
            tried = list(inputs)
            tried[position] = torch.zeros((shape[0], takes * parts, *shape[2:]), dtype=inputs[position].dtype,
                                          device=inputs[position].device)
            if self.device != "meta":
                tried[position] = torch.randn_like(tried[position])
            try:
                trace = eager.run(built.model, tried, built)
            except Exception:
                continue
            name = self.names[position] if position < len(self.names) else f"input {position}"
            self.inputs = tried
            self.reason = (f"{reason}; {takes * parts} channels for {name}: {failed.name} "
                           f"{type(failed.module).__name__}({takes}→…) reads a part of it ({given} of its "
                           f"{shape[1]} channels at {_fmt(shape)}: a chunk, split or slice along the channels), "
                           "found by trying")
            return trace
        return None


def _fmt(shape) -> str:
    return "×".join(map(str, shape))


def _candidates(model: nn.Module, fx_graph, names: list[str], given: Sequence[Shape], declared,
                sides: Sequence[int], hints: InputHints):
    """(image side, guesses) to run the forward at, in order; side None for given or declared
    shapes. Inputs with no image side (a Linear or an Embedding reads them) are tried once."""
    if given:
        yield None, _guesses(model, fx_graph, names, sides[0], hints)  # only their dtypes are used
        return
    if declared:
        yield None, declared
    tried = []
    for side in sides:
        guesses = _guesses(model, fx_graph, names, side, hints)
        if guesses not in tried:
            tried.append(guesses)
            yield side, guesses


def _guesses(model: nn.Module, fx_graph, names: list[str], side: int, hints: InputHints):
    if fx_graph is not None:
        return fx.input_guesses(fx_graph, side, hints)
    if not names:
        return []
    # no graph: the first input from the first layer, the others by their names beside it
    first = with_channels(guess_from_tree(model, side), names[0], hints)
    return [first] + [guess_by_name(name, first, hints) for name in names[1:]]


def _best_trace(built: BuiltModel, fx_graph, inputs: list[torch.Tensor], reference: Trace,
                notes: list[str]) -> tuple[str, Trace]:
    """The most precise tier whose leaf module calls agree with the eager reference."""
    expected = reference.leaf_calls()
    if fx_graph is not None:
        try:
            trace = fx.run(fx_graph, inputs, built, reference)
            if trace.leaf_calls() == expected:
                return "fx", trace
            notes.append(f"the fx graph differs from the eager forward ({_difference(trace, expected)}): "
                         "fx dropped or added a branch")
        except Exception as exc:
            notes.append(f"the fx graph does not run: {_describe(exc)}")
    try:
        trace = export.run(built.model, inputs, built)
        if _computing(trace.leaf_calls(), built) == _computing(expected, built):
            return "export", trace
        notes.append(f"torch.export differs from the eager forward ({_difference(trace, expected)})")
    except Exception as exc:
        notes.append(f"torch.export failed: {_describe(exc)}")
    return "eager", reference


_NO_OPS = (nn.Identity, nn.modules.dropout._DropoutNd)  # in eval mode: no ATen op for export to keep


def _computing(calls: Counter, built: BuiltModel) -> Counter:
    """Leaf calls of modules that compute something (export cannot see an Identity)."""
    modules = dict(built.model.named_modules())
    return Counter({name: n for name, n in calls.items() if not isinstance(modules.get(name), _NO_OPS)})


def warm_up() -> None:
    """Run a tiny model through fx and a forward on meta, once, as capture runs them (with
    the shape shortcuts: the ops that take them never load torch's Python meta kernels)."""
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4, 2))
    model.to("meta").eval()
    image = torch.zeros(1, 3, 3, 3, device="meta")
    fx.trace(model)
    with torch.no_grad(), MetaShapes():
        model(image)


def _difference(trace: Trace, expected) -> str:
    got = trace.leaf_calls()
    missing, extra = sorted((expected - got).elements()), sorted((got - expected).elements())
    parts = ([f"missing {', '.join(missing[:5])}"] if missing else []) + \
            ([f"extra {', '.join(extra[:5])}"] if extra else [])
    return "; ".join(parts)


def _module_tree(built: BuiltModel) -> Trace:
    """No forward: the leaf modules in registration order, without shapes or dataflow."""
    trace = Trace()
    for name, module in built.model.named_modules():
        if eager.is_leaf(module) and name:
            trace.layers.append(module_layer(len(trace.layers), name, module, (), None, built))
    return trace


def _unused_parameters(built: BuiltModel, inputs: list[torch.Tensor], evaluation: Trace,
                       notes: list[str]) -> tuple[str, ...] | None:
    """Parameters that neither the eval-mode forward nor a training-mode one read (auxiliary
    heads that only run while training are used). The training run takes a batch of two:
    BatchNorm refuses one sample per channel while training."""
    used = set(evaluation.used_parameters)
    model = built.model
    if all(id(p) in used for p in model.parameters()):
        return ()  # nothing left for a training-mode forward to use
    if next(model.parameters()).device.type != "meta":
        notes.append("the forward reads tensor values (it ran on the CPU): a branch it did not take "
                     "at the example input may still run, so unused parameters are not judged")
        return None
    try:
        model.train()
        batch = [torch.cat([t, t]) if t.dim() else t for t in inputs]
        used |= eager.run(model, batch, built).used_parameters
    except Exception as exc:
        notes.append(f"the training-mode forward failed ({_describe(exc)}): which parameters are "
                     "unused is not judged")
        return None
    finally:
        model.eval()
    return tuple(name for name, p in model.named_parameters() if id(p) not in used)


def _graph(built: BuiltModel, target: str, trace: Trace, tier: str, input_shapes: tuple,
           input_reason: str, task: str, notes: list[str],
           unused_parameters: tuple[str, ...] | None, module_calls=()) -> ModelGraph:
    model = built.model
    evidence = Evidence(names=tuple(c.__name__ for c in type(model).__mro__
                                    if not c.__module__.startswith(("torch.", "builtins"))),
                        finals=tuple(trace.layers[i].type for i in trace.outputs),
                        called=tuple(module_calls))
    decided_task, task_reason = infer_task(input_shapes, trace.output_shapes, task, built.class_count, evidence)
    if tier != "fx":
        notes.append(f"captured with the {tier} tier")
    return ModelGraph(
        target=target,
        class_name=type(model).__name__,
        layers=tuple(trace.layers),
        edges=tuple(trace.edges),
        inputs=tuple(trace.inputs),
        outputs=tuple(trace.outputs),
        params=sum(p.numel() for p in model.parameters()),
        trainable_params=sum(p.numel() for p in model.parameters() if p.requires_grad),
        buffers=sum(b.numel() for b in model.buffers()),
        input_shapes=input_shapes,
        input_reason=input_reason,
        output_shapes=tuple(trace.output_shapes),
        task=decided_task,
        task_reason=task_reason,
        capture=tier,
        weights_requests=tuple(built.weights_requests),
        built_on=built.device,
        module_sites=built.sites,
        notes=tuple(notes),
        unused_parameters=unused_parameters,
        model=model,
    )


def _channel_mismatch(exc: BaseException, names: Sequence[str] = ()) -> str:
    """What a layer given the wrong number of channels was given, and where that came from
    (torch's meta kernels only say "Invalid channel dimensions")."""
    failed = getattr(exc, "failed", None)
    channels = failed.channels() if failed is not None else None
    if channels is None:
        return ""
    (given, takes), shape = channels, failed.shapes[0]
    if failed.from_input is not None:
        name = names[failed.from_input] if failed.from_input < len(names) else f"input {failed.from_input}"
        source = f"the model's input {name} (or a part of it)"
    else:
        source = "the layers before it: the constructor's arguments disagree with each other, not with the input"
    return (f" ({failed.name} {type(failed.module).__name__} takes {takes} channels and was given "
            f"{_fmt(shape)}, {given} channels, from {source})")


def _forward_error(exc: BaseException, inputs: list[torch.Tensor], reason: str,
                   also_failed: Sequence[int] = (), all_same: bool = False, names: Sequence[str] = ()) -> CaptureError:
    shapes = " and ".join("×".join(map(str, t.shape)) for t in inputs)
    where = f" in {exc.where}" if isinstance(exc, ForwardError) and exc.where else ""
    cause = exc.__cause__ if isinstance(exc, ForwardError) and exc.__cause__ else exc
    failure = f"forward failed{where} at input {shapes} ({reason}): {_describe(cause)}{_channel_mismatch(exc, names)}"
    failed = getattr(exc, "failed", None)
    if failed is not None and failed.channels() is not None and failed.from_input is None:
        return CaptureError(failure)  # no input shape would help
    if also_failed and all_same:  # what failed does not depend on the size: no size to suggest
        return CaptureError(f"{failure}; the same at every image side tried, so not because of the input's size")
    tried = f"; the sides {', '.join(map(str, also_failed))} fail too" if also_failed else ""
    return CaptureError(f"{failure}{tried}; give the input shape with --input-shape")


def _same_failure(exc: BaseException, first: BaseException) -> bool:
    """The same exception, message and layer: what failed does not depend on the input's size."""
    def key(e: BaseException):
        cause = e.__cause__ or e
        return type(cause), getattr(e, "where", None), str(cause)

    return key(exc) == key(first)


def _describe(exc: BaseException, limit: int = 200) -> str:
    """The exception's type and first line, cut at ``limit`` characters (torch's symbolic
    shape errors print whole expressions, with symbols in an order that varies by run)."""
    text = str(exc).strip()
    first = text.splitlines()[0].rstrip(".") if text else ""
    first = first if len(first) <= limit else first[:limit].rstrip() + "…"
    return f"{type(exc).__name__}: {first}".rstrip(": ")
