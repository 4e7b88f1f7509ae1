"""Turn a built model into a ModelGraph, trying capture tiers from the most to the least
precise: fx, torch.export, a hooked eager forward, and the bare module tree.

A hooked eager forward always runs: it is the reference the fx graph is checked against
(fx can trace a graph that silently drops a branch), and the fallback when fx and export
both fail.
"""

from __future__ import annotations

import dataclasses

from collections import Counter
import inspect
import itertools
import re
from collections.abc import Sequence
from fractions import Fraction

import torch
from torch import nn

from netlint.capture import eager, export, fx
from netlint.graph import ModelGraph, Shape, Site
from netlint.capture.inputs import (BY_CODE, IMAGE_SIDES, SMALL_SIDE, InputError, InputHints, asserted_sides, by_code,
                                    declared_input, example_inputs, failed_assertion, guess_by_name,
                                    guess_of_later_input, input_hints, is_size_error, joined_sizes,
                                    needed_optional_inputs, needs_values, reordered, required_inputs, sequence_lengths,
                                    stated_sides, upscale_factor, with_channels, with_frames, with_indexed_channels,
                                    with_rank, with_split_channels)
from netlint.capture.frame_sizes import frame_sizes
from netlint.capture.input_names import is_mask
from netlint.capture.readers import (Elements, dict_keys, guess_from_tree, input_reading, list_elements,
                                     sequence_inputs, stacked_axes, tiled_inputs)
from netlint.capture.layers import ForwardError, Trace, function_layer, leaves, module_layer
from netlint.capture.ops import module_op
from netlint.capture.reached import reached_attributes
from netlint.capture.returned import returned_steps
from netlint.load.construct import BuiltModel, SkipTarget, older_code_failure, rebuild_on_cpu
from netlint.load.training_mode import set_training
from netlint.meta_shapes import MetaShapes
from netlint.task import Evidence, infer_task

TIERS = ("fx", "export", "eager", "modules")
# What each tier gives rules; "execution" (which parameters a real forward read) comes from
# the eager runs that every tier but the module tree makes.
TIER_PROVIDES = {"fx": {"modules", "shapes", "dataflow", "execution"},
                 "export": {"modules", "shapes", "dataflow", "execution"},
                 "eager": {"modules", "shapes", "dataflow", "execution"},
                 "modules": {"modules"}}


UNKNOWN_OUTPUT = "unknown"  # the op of a returned value the module tree tier's code reading cannot name


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
        inputs, reason, reference, built, reduced = _reference_run(built, fx_graph, names, input_shapes, notes)
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
        return _graph(built, target, _module_tree(built, notes), "modules", (), str(exc), task, notes, None,
                      input_names=tuple(names))
    if fx_graph is not None and built.model is not model:  # the forward ran on a CPU rebuild
        fx_graph = fx.rebound(fx_graph, built.model)
    elif fx_graph is None:
        fx_graph = _traced_at_sizes(built, inputs, reference, notes)
    tier, trace = _best_trace(built, fx_graph, inputs, reference, notes)
    _filled_outputs(built.model, trace)
    if tier == "export" and sorted(trace.output_shapes) == sorted(reference.output_shapes):
        trace.output_shapes = list(reference.output_shapes)  # export's are flat: a dict's result first
    shapes = tuple(tuple(t.shape) for t in leaves(inputs))  # a list input: each of its tensors
    unused = _unused_parameters(built, inputs, reference, notes)
    return _graph(built, target, trace, tier, shapes, reason, task, notes, unused, reference.module_calls, reduced,
                  input_names=tuple(names))


def _reference_run(built: BuiltModel, fx_graph, names: list[str], given: Sequence[Shape],
                   notes: list[str]) -> tuple[list[torch.Tensor], str, Trace, BuiltModel, bool]:
    """Run the forward eagerly on meta at the example input (the size the model declares, else
    the first of IMAGE_SIDES that runs), else on the CPU at a small input (or at the side that
    got past the size checks on meta). Each search moves to the next side only while the
    forward fails on a size, and a forward that runs nowhere reports its first failure. The last
    value says whether the input is netlint's reduced choice for the CPU (SMALL_SIDE, smaller
    than the default side and given by no one): sizes decided by it are not the model's."""
    declared = [declared_input(built.model)] if len(names) == 1 and declared_input(built.model) else None
    attempt = built.attempt
    hints = input_hints(built.model, type(built.model) if attempt is None or attempt.callee is None else None,
                        attempt.args if attempt else (), attempt.kwargs if attempt else {})
    listed = {names.index(name): how for name, how in sequence_inputs(built.model, names).items()}
    elements = {p: list_elements(built.model, names[p], IMAGE_SIDES[0]) for p in listed}
    first_call = input_reading(built.model, names[0]).call if names else None
    alike = {p for p in listed if p and first_call and first_call[0]
             and input_reading(built.model, names[p]).call == first_call}  # images given where the first is
    stacked = {names.index(name): axis for name, axis in stacked_axes(built.model, names).items()}
    meta = _Search(names, given, IMAGE_SIDES[0], listed=listed, hints=hints, elements=elements, alike=alike,
                   stacked=stacked)
    meta.sides = list(IMAGE_SIDES)
    trace = meta.run(built, _candidates(built.model, fx_graph, names, given, declared, meta.sides, hints))
    if trace is not None:
        return meta.inputs, meta.reason, trace, built, False
    if not given and meta.first is not None:
        optional = _with_needed_inputs(built, fx_graph, names, declared, hints, listed, meta)
        if optional is not None:
            return optional
        cause = meta.first[0].__cause__ or meta.first[0]
        # inputs guessed from the calls the forward makes: no CPU run for them, unless only meta refused them
        if BY_CODE in meta.first[2] and not needs_values(cause):
            raise InputError(f"the forward failed at inputs read from its code ({meta.first[2]}): {_describe(cause)}")
    first_error = _forward_error(*meta.first, also_failed=meta.also_failed, all_same=meta.all_same, names=names)
    first_error.__cause__ = meta_failure = meta.first[0].__cause__ or meta.first[0]
    if meta.also_failed and meta.all_same and is_size_error(meta_failure):
        # a layer refused the same shapes at every side: the CPU computes the same shapes, so it
        # would fail alike, only slower (a deep network's CPU forwards past the --timeout)
        raise first_error from None
    sides = [meta.passed_side] if meta.passed_side else [SMALL_SIDE, *(s for s in IMAGE_SIDES if s < SMALL_SIDE)]
    trace, cpu_failure = None, None
    for whole in (False, True):  # its parameters made on the CPU as its layers run, else all of them
        try:
            with torch.random.fork_rng(devices=()):  # seeded weights and inputs: the same report every run
                torch.manual_seed(0)
                cpu = rebuild_on_cpu(built, whole=whole)
                on_cpu = _Search(names, given, SMALL_SIDE, device="cpu", listed=listed, hints=hints,
                                 elements=elements, alike=alike)
                on_cpu.sides = list(sides)
                on_cpu.framed = meta.framed  # (frames that failed on meta on the size are not computed again)
                trace = on_cpu.run(cpu, _candidates(cpu.model, fx_graph, names, given,
                                                    None if meta.passed_side else declared, on_cpu.sides, hints))
                cpu_failure = cpu_failure or (on_cpu.first and on_cpu.first[0])
        except Exception:
            trace = None
        if trace is not None:
            break
    if trace is None:
        raise _with_cpu_failure(first_error, meta_failure, cpu_failure) from None
    made = "built on the CPU" if cpu.device == "cpu" else "run on the CPU, its layers given weights as they ran,"
    notes.append(f"the forward does not run on meta ({_describe(meta_failure)}): {made} at a small input instead")
    reduced = not given and not meta.passed_side and on_cpu.side == SMALL_SIDE
    if reduced:
        notes.append(f"the example input's side {SMALL_SIDE} is netlint's choice, smaller than the default "
                     f"{IMAGE_SIDES[0]}: feature-map sizes at it are not judged (give --input-shape to judge them)")
    return on_cpu.inputs, on_cpu.reason, trace, cpu, reduced


def _with_needed_inputs(built: BuiltModel, fx_graph, names: list[str], declared, hints: InputHints,
                        listed: dict, failed: _Search) -> tuple[list, str, Trace, BuiltModel, bool] | None:
    """The forward again with the optional inputs it used without checking for None (see
    ``needed_optional_inputs``) given too, and the ones before them in its signature."""
    exc = failed.first[0]
    needed = dict(needed_optional_inputs(built.model, exc.__cause__ or exc, names))
    if not needed:
        return None
    order = [p.name for p in inspect.signature(built.model.forward).parameters.values()
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if order[:len(names)] != names:
        return None
    added = order[len(names):max(order.index(name) for name in needed) + 1]
    seen_at = failed.first_side or IMAGE_SIDES[0]
    extras = {name: (needed.get(name), seen_at) for name in added}
    search = _Search(names + added, (), IMAGE_SIDES[0], listed=listed, hints=hints, elements=failed.elements,
                     alike=failed.alike)
    search.sides = list(IMAGE_SIDES)
    trace = search.run(built, _candidates(built.model, fx_graph, names + added, (), declared, search.sides, hints,
                                          extras))
    if trace is None:
        return None
    return search.inputs, search.reason, trace, built, False


# Channel counts an input is given to learn how many reach the layer that refused it: divisible
# by 2, 3, 4 and 6, so that a chunk or split of them is exact.
PROBES = (12, 24)
USUAL_CHANNELS = (1, 3, 2, 4, 6, 9)  # an image's channels, when no linear relation solves them
MAX_SOLVED = 4  # channel counts solved for in one forward's inputs (an image, then its mask…)


class _Search:
    """Runs the forward at each candidate input in turn, until one runs or one fails for
    another reason than its size; keeps the inputs that ran, or the first failure. A layer
    refusing the channels it is given from an input has the input's channels solved for
    (see ``_solve_channels``), and the forward is run again."""

    def __init__(self, names: list[str], given: Sequence[Shape], default_side: int, device: str = "meta",
                 listed: dict[int, tuple[int, bool, int | None]] | None = None, hints: InputHints = InputHints(),
                 elements: dict[int, Elements] | None = None, alike: set[int] | None = None,
                 stacked: dict[int, int] | None = None):
        self.names, self.given, self.default_side, self.device = names, given, default_side, device
        # inputs the forward uses as lists: position -> (the length it needs, whether it iterates them,
        # the length it checks)
        self.listed = listed or {}
        self.elements = elements or {}  # list inputs: the channels of their elements, as read
        self.alike = alike or set()  # list inputs whose images go where the first input goes: one like it first
        self.stacked = stacked or {}  # list inputs the forward stacks: position -> the axis their elements lack
        self.hints = hints
        self.inputs: list[torch.Tensor] = []
        self.reason = ""
        self.first: tuple | None = None  # (exception, inputs, reason) of the first failure
        self.also_failed: list[int] = []  # the sides tried after it
        self.passed_side: int | None = None  # a side tried later that got past the size checks
        self.all_same = True  # every side failed as the first did: the size is not the problem
        self.solved: dict[int, tuple[int, str]] = {}  # input position -> (channels, why)
        self.side: int | None = None  # the side the forward ran at (None: given or declared shapes)
        self.sides: list[int] = []  # the sides left to try, in order (the candidates read them)
        self.first_side: int | None = None  # the side of the first failure
        self.clips: set[int] = set()  # inputs that are clips, B×T×C×H×W: their channels are the third axis
        self.keyed: dict[int, tuple[str, ...]] | None = None  # dict inputs: position -> the keys the forward reads
        self.joins_passed = False  # inputs scaled as a join's message says got past it, to fail on the size after
        self.framed = False  # the non-square frames the model states were put among the sides to try

    def run(self, built: BuiltModel, candidates) -> Trace | None:
        if self.keyed is None:
            self.keyed = {} if self.given else {i: keys for i, name in enumerate(self.names)
                                                if (keys := dict_keys(built.model, name))}
        for side, guesses in candidates:
            inputs, reason = example_inputs(self.names, guesses, self.given, self.device)
            self.clips = {i for i, g in enumerate(guesses)
                          if not self.given and g and len(g[0]) == 5 and "a clip" in g[2]}
            inputs = [self._tensor(t, self.solved[i][0], position=i)
                      if i in self.solved and t.dim() >= 2 and t.is_floating_point()
                      else t
                      for i, t in enumerate(inputs)]
            if self.device != "meta":
                inputs = [torch.randn_like(t) if t.is_floating_point() else t for t in inputs]
            tried_side = side not in (None, self.default_side)
            reason += f", side {_side_text(side)} found by trying sizes" if tried_side else ""
            try:
                inputs, trace, how = self._run_tensors_or_lists(built, inputs)
                reason += how
            except Exception as exc:
                inputs = exc.inputs
                at_side = self._at_side_a_linear_takes(built, exc, inputs, side)
                if at_side is not None:
                    self.inputs, trace, self.side, how = at_side
                    self.reason = reason + how + "".join(why for _, why in self.solved.values())
                    return trace
                unbatched = self._unbatched(built, exc, inputs)
                if unbatched is not None:
                    self.inputs, trace, how = unbatched
                    self.side = side
                    self.reason = reason + how + "".join(why for _, why in self.solved.values())
                    return trace
                # (at the first side only, the sizes' ratio does not depend on it; at the others too when
                # the joins took the scaled inputs there and a size check after them refused the side)
                at_sides = self._at_sides_joins_take(built, exc, inputs) \
                    if self.first is None or self.joins_passed else None
                if at_sides is not None:
                    self.inputs, trace, how = at_sides
                    self.side = side
                    self.reason = reason + how + "".join(why for _, why in self.solved.values())
                    return trace
                reason += "".join(why for _, why in self.solved.values())
                if self.first is None:
                    self.first, self.first_side = (exc, inputs, reason), side
                else:
                    self.also_failed.append(side)
                    self.all_same = self.all_same and _same_failure(exc, self.first[0])
                if not is_size_error(exc.__cause__ or exc):
                    self.passed_side = side if self.also_failed and isinstance(side, int) else None
                    return None
                self.sides[:0] = stated_sides(exc.__cause__ or exc) or asserted_sides(exc.__cause__ or exc)
                if not self.framed and not self.given:  # (once: the frames the model's code states)
                    self.framed = True
                    self.sides[:0] = frame_sizes(built.model)
                continue
            self.inputs, self.reason = inputs, reason + "".join(why for _, why in self.solved.values())
            self.side = side
            return trace
        return None

    def _at_side_a_linear_takes(self, built: BuiltModel, exc: BaseException, inputs: list,
                                side: int | None) -> tuple[list, Trace, int, str] | None:
        """A Linear after a flatten given F features at image side s that takes T: the features
        grow with the side's square (its cube for volumes), so the side that fits is
        s·(T/F)^(1/d) when that is a whole number (a discriminator's head sized for 192×192).
        The forward at that side, when it runs."""
        failed = getattr(exc, "failed", None)
        features = failed.features() if failed is not None else None
        images = [i for i, t in enumerate(inputs) if not isinstance(t, list) and t.dim() >= 3
                  and set(t.shape[2:]) == {side}]
        if self.given or side is None or features is None or not images:
            return None
        (given, takes), dims = features, inputs[images[0]].dim() - 2
        solved = round(side * (takes / given) ** (1 / dims))
        if solved < 1 or solved == side or solved ** dims * given != takes * side ** dims:
            return None
        tried = list(inputs)
        for i in images:
            tried[i] = self._tensor(inputs[i], inputs[i].shape[1], [solved] * dims)
        try:
            tried, trace = self._run_solving(built, tried)
        except Exception:
            return None
        return tried, trace, solved, (f", side {solved} solved from {failed.name} {failed.kind}({takes}→…), "
                                      f"given {given} features at side {side}")

    def _unbatched(self, built: BuiltModel, exc: BaseException, inputs: list) -> tuple[list, Trace, str] | None:
        """A layer given one axis more than its batched input (a forward that adds the batch axis
        itself, ``xs.transpose(0, 1).unsqueeze(0)`` before a Conv3d): the input of that rank without
        its batch axis, as it is, then with its first two axes swapped (a clip given as T×C×H×W)."""
        match = _TOO_MANY_AXES.search(str(exc.__cause__ or exc))
        if self.given or match is None:
            return None
        batched, got = int(match.group(1)), match.group(2).count(",") + 1
        if got != batched + 1:
            return None
        for position, tensor in enumerate(inputs):
            if isinstance(tensor, list) or tensor.dim() != batched:
                continue
            shape = tuple(tensor.shape[1:])
            orders = ((shape, ""), ((shape[1], shape[0], *shape[2:]), ", its first two axes swapped"))
            # each order as it is first (the channels solved for would hide the order that fits)
            for solving, (order, how) in itertools.product((False, True), orders):
                tried = list(inputs)
                tried[position] = tensor.new_zeros(order) if self.device == "meta" else torch.randn(order)
                try:
                    tried, trace = self._run_solving(built, tried) if solving else \
                        (tried, eager.run(built.model, tried, built))
                except Exception:
                    continue
                name = self.names[position] if position < len(self.names) else f"input {position}"
                return tried, trace, (f"; {name} {_fmt(order)}: without a batch axis{how} (the forward adds one "
                                      f"before a layer that takes {batched}-D input)")
        return None

    def _at_sides_joins_take(self, built: BuiltModel, exc: BaseException,
                             inputs: list) -> tuple[list, Trace, str] | None:
        """Inputs at different sizes, joined (``torch.cat``, an addition) with each other or with
        maps of a fixed size: a decoder given a pyramid of encoder features, a recurrent state at a
        quarter of the image's size, a progressive discriminator's 4×4 first step. The join's
        message names the two sizes; one image input at a time is scaled by their ratio (the
        later inputs first), kept when the forward then runs or fails at another join, a few times."""
        if self.given:
            return None
        changed: dict[int, tuple[int, ...]] = {}
        for _ in range(MAX_SOLVED):
            sizes = joined_sizes(exc.__cause__ or exc)
            if sizes is None or 0 in sizes:
                return None
            expected, got = sizes
            images = [i for i, t in enumerate(inputs) if not isinstance(t, list) and t.dim() >= 3
                      and t.is_floating_point()]
            progress = None
            for position in reversed(images):
                for ratio in (Fraction(got, expected), Fraction(expected, got)):
                    scaled = [n * ratio for n in inputs[position].shape[2:]]
                    if any(n.denominator != 1 or not 1 <= n <= 2048 for n in scaled):
                        continue
                    tried = list(inputs)
                    tried[position] = self._tensor(inputs[position], inputs[position].shape[1],
                                                   [int(n) for n in scaled])
                    try:
                        tried, trace = self._run_solving(built, tried)
                    except Exception as again:
                        if progress is None and joined_sizes(again.__cause__ or again) not in (None, sizes):
                            progress = position, tried, again
                        elif joined_sizes(again.__cause__ or again) is None and is_size_error(again.__cause__ or again):
                            self.joins_passed = True
                        continue
                    changed[position] = tuple(tried[position].shape[2:])
                    return tried, trace, self._joined_why(changed)
            if progress is None:
                return None
            position, inputs, exc = progress
            inputs = getattr(exc, "inputs", inputs)
            changed[position] = tuple(inputs[position].shape[2:])
        return None

    def _joined_why(self, changed: dict[int, tuple[int, ...]]) -> str:
        parts = [f"{self.names[p] if p < len(self.names) else f'input {p}'} at {_fmt(sides)}"
                 for p, sides in sorted(changed.items())]
        return f"; {', '.join(parts)}: the size a join (torch.cat, an addition) takes, solved from its message"

    def _run_solving(self, built: BuiltModel, inputs: list[torch.Tensor]) -> tuple[list[torch.Tensor], Trace]:
        """The forward at ``inputs``, again with an input's channels solved for while a layer
        refuses the channels it is given from it (bounded); its last failure carries the inputs."""
        for _ in range(MAX_SOLVED + 1):
            try:
                return inputs, eager.run(built.model, inputs, built)
            except Exception as exc:
                solved = None if len(self.solved) >= MAX_SOLVED else self._solve_channels(built, exc, inputs)
                if solved is None:
                    exc.inputs = inputs
                    raise
                positions, channels, why = solved
                inputs = list(inputs)
                for position in positions:
                    self.solved[position] = channels, why if position == positions[0] else ""
                    inputs[position] = self._tensor(inputs[position], channels, position=position)
        exc = ForwardError("", RuntimeError("the inputs' channels could not be solved for"))
        exc.inputs = inputs
        raise exc

    def _tensor(self, like, channels: int, sides: Sequence[int] | None = None, position: int | None = None):
        """A tensor like ``like`` with ``channels`` (and ``sides``), or a list of them for a list;
        a clip's (input ``position`` in ``clips``) channels are its third axis."""
        if isinstance(like, list):
            return [self._tensor(t, channels) for t in like]
        axis = 2 if position in self.clips and like.dim() == 5 else 1
        shape = (*like.shape[:axis], channels, *(like.shape[axis + 1:] if sides is None else sides))
        tensor = torch.zeros(shape, dtype=like.dtype, device=like.device)
        return torch.randn_like(tensor) if self.device != "meta" else tensor

    def _run_tensors_or_lists(self, built: BuiltModel, inputs: list) -> tuple[list, Trace, str]:
        """The forward at ``inputs``; with lists for the inputs its code uses as lists: first, when
        it iterates them (a tensor would be iterated over its batch) or gives an element to a
        layer, else when it fails with tensors. An input the forward reads by string keys is a dict
        first, then a tensor (a forward that takes either: ``if isinstance(x, dict)``). Raises the
        failure with tensors (the dicts' failure, when they failed too), its ``inputs`` never dicts."""
        if any(p < len(inputs) and isinstance(inputs[p], torch.Tensor) and inputs[p].dim() >= 3 for p in self.keyed):
            try:
                return self._as_dicts(built, inputs)
            except Exception as failure:  # a forward that takes a tensor too (``if isinstance(x, dict)``)
                dict_failure = failure
            try:
                return self._run_without_dicts(built, inputs)
            except Exception:
                dict_failure.inputs = inputs  # (the search resizes tensors, never the dicts it made)
                raise dict_failure  # (its __cause__ kept: the search reads it)
        return self._run_without_dicts(built, inputs)

    def _run_without_dicts(self, built: BuiltModel, inputs: list) -> tuple[list, Trace, str]:
        # (an element a convolution reads, ``xs[-1]``, is an image of a list: of a batch, it would lack one)
        iterated = any(self.listed[p][1] or self.elements.get(p, Elements()) != Elements()
                       for p in self._listable(inputs))
        if iterated:
            try:
                return self._as_lists(built, inputs)
            except Exception:
                pass
        try:
            return (*self._run_solving(built, inputs), "")
        except Exception as failure:
            if iterated or not self._listable(inputs):
                raise
            try:
                return self._as_lists(built, inputs)
            except Exception:
                raise failure from None

    def _as_dicts(self, built: BuiltModel, inputs: list) -> tuple[list, Trace, str]:
        """The forward with a dict of tensors for each input it reads by string keys (``maps['relu3_1']``,
        feature maps of a reference), each first like the input's guess, then reshaped by what
        refused the last one read: the sides of the tensor a join (``torch.cat``) met, the channels
        the layer after it takes (the rest of its in_channels)."""
        maps = {p: _ReadMaps({key: inputs[p] for key in keys}) for p, keys in self.keyed.items()
                if p < len(inputs) and isinstance(inputs[p], torch.Tensor) and inputs[p].dim() >= 3}
        read: list[tuple[int, str]] = []
        for position, value in maps.items():
            value.read, value.position = read, position
        tried = [maps.get(p, value) for p, value in enumerate(inputs)]
        for _ in range(3 * sum(len(m) for m in maps.values()) + 1):
            del read[:]
            try:
                trace = eager.run(built.model, tried, built)
            except Exception as exc:
                if not read or not self._reshape_last_read(exc, maps, read[-1]):
                    exc.inputs = tried
                    raise
                continue
            parts = "; ".join(f"{self.names[p]}: a dict of " + ", ".join(f"{k} {_fmt(t.shape)}" for k, t in m.items())
                              for p, m in maps.items())
            return ([dict(v) if isinstance(v, _ReadMaps) else v for v in tried], trace,
                    f"; {parts} (the keys the forward reads, each shaped by what reads it, found by trying)")
        raise InputError("no dict of tensors runs")

    def _reshape_last_read(self, exc: BaseException, maps: dict, last: tuple) -> bool:
        """The last dict entry read, reshaped as the failure says (see ``_as_dicts``): whether it was."""
        position, key = last
        tensor = dict.__getitem__(maps[position], key)
        cause = exc.__cause__ or exc
        sizes, failed = joined_sizes(cause), getattr(exc, "failed", None)
        channels = failed.channels() if failed is not None else None
        shape = list(tensor.shape)
        if sizes is not None and (sizes[1] in shape[2:] or sizes[0] in shape[2:]):
            expected, got = sizes if sizes[1] in shape[2:] else sizes[::-1]
            shape[2:] = [expected if n == got else n for n in shape[2:]]
        elif channels is not None and shape[1] + channels[1] - channels[0] > 0:
            shape[1] += channels[1] - channels[0]
        else:
            return False
        dict.__setitem__(maps[position], key, torch.zeros(shape, dtype=tensor.dtype, device=tensor.device)
                         if self.device == "meta" else torch.randn(shape))
        return True

    def _listable(self, inputs: list) -> list[int]:
        return [p for p in self.listed if not self.given and p < len(inputs) and not isinstance(inputs[p], list)
                and inputs[p].dim() >= 3]

    def _as_lists(self, built: BuiltModel, inputs: list) -> tuple[list, Trace, str]:
        """The forward with a list of tensors of an input's shape for each input its code uses as
        a list, of the lengths ``sequence_lengths`` gives, as a pyramid (each half the size of
        the one before, the finest first: multi-scale networks) and then all of one size
        (frames, views); a tuple the forward unpacks also each the constructor's scale times the
        one before (a low-resolution image and its upscaled copy); the first that runs."""
        positions = self._listable(inputs)
        least = max(self.listed[p][0] for p in positions)
        exact = next((self.listed[p][2] for p in positions if self.listed[p][2] is not None), None)
        failure: BaseException = InputError("no list of images runs")
        elements = [self.elements[p] for p in positions if p in self.elements and self.elements[p] != Elements()]
        read = () if exact is not None else tuple(n for e in elements for n in e.lengths() if n >= least)
        alike = exact is None and all(p in self.alike for p in positions)
        lengths = [*([least] if alike else []), *read, *sequence_lengths(self.hints, least, exact)]
        unpacked = next((self.elements[p].names for p in positions if self.elements.get(p, Elements()).names), ())
        scale = upscale_factor(self.hints) if unpacked else None  # (an image and its upscaled copy: ``lr, bic = x``)
        shrinks = ((1, 2) if alike or unpacked else (2, 1)) + ((Fraction(1, scale[0]),) if scale else ())
        for length in list(dict.fromkeys(lengths))[:3]:
            for shrink in shrinks:  # each element's sides those of the one before divided by it
                for read in ((True, False) if elements else (True,)):  # as the layers read them, else all alike
                    tried = list(inputs)
                    for p in positions:
                        first = inputs[p]
                        if p in self.stacked and first.dim() == 5:  # a clip the layer reads: frames stacked
                            first = first.select(self.stacked[p], 0)
                        channels = self.elements.get(p, Elements()).channels(length, first.shape[1]) if read \
                            else [first.shape[1]] * length
                        tried[p] = [self._tensor(first, channels[i],
                                                 [max(1, int(n / Fraction(shrink) ** i)) for n in first.shape[2:]])
                                    for i in range(length)]
                    solved = dict(self.solved)
                    try:
                        tried, trace = self._run_solving(built, tried)
                    except Exception as exc:
                        failure, self.solved = exc, solved  # (channels solved for a list that failed: not kept)
                        continue
                    names = ", ".join(self.names[p] for p in positions)
                    if unpacked and len(unpacked) == length:
                        parts = ", ".join(f"{n} {_fmt(t.shape)}" for n, t in zip(unpacked, tried[positions[0]]))
                        grown = f", each {scale[0]}× the one before (the constructor's {scale[1]})" \
                            if shrink < 1 else ""
                        return tried, trace, f"; {names}: a tuple ({parts}), as the forward unpacks it{grown}"
                    kind = "halving sizes, the finest first" if shrink == 2 else "of one size"
                    read_by = ", their channels those of the layers that read them" if elements and read else ""
                    images = "1 image" if length == 1 else f"{length} images ({kind}{read_by})"
                    return tried, trace, f"; {names}: a list of {images}, as the forward uses it"
        raise failure

    def _solve_channels(self, built: BuiltModel, exc: BaseException,
                        inputs: list[torch.Tensor]) -> tuple[tuple[int, ...], int, str] | None:
        """A layer that takes ``takes`` channels and is given another number from a model input
        (a mask with the image's channels, an image and a mask concatenated, a pixel-unshuffled
        input, a chunk of a stereo pair, an input concatenated with itself or a noise map):
        what reaches the layer is k·c + m of the input's c channels. Two other channel counts
        (PROBES) give k and m, and c = (takes − m) / k, when it is a positive whole number.
        The inputs the failing tensor comes from are tried in turn, the nearest first."""
        failed = getattr(exc, "failed", None)
        channels = failed.channels() if failed is not None else None
        # a Linear given a chunk or split of a vector input's features (a latent split between blocks)
        features = failed.features() if failed is not None and channels is None else None
        if self.given or (channels or features) is None:
            return None
        given, takes = channels or features
        nearest = [failed.from_input] if failed.from_input is not None else []
        positions = [p for p in dict.fromkeys([*nearest, *failed.behind]) if p not in self.solved
                     and (current := self._first_tensor(inputs[p])).is_floating_point()
                     and (current.dim() >= 3 if channels else current.dim() == 2)]
        chunked = dict(self.hints.chunks)
        for position in positions[:1]:
            name = self.names[position] if position < len(self.names) else ""
            if name in chunked and takes * chunked[name] != self._channels(inputs, position):
                return (position,), takes * chunked[name], (f"; {takes * chunked[name]} for {name}: chunked into "
                                                            f"{chunked[name]} by the forward, {failed.name} "
                                                            f"{failed.kind}({takes}→…) reads one")
        alike = [p for p in positions if self._channels(inputs, p) == self._channels(inputs, positions[0])] \
            if positions else []
        # each input alone, then the inputs of one channel count together (images concatenated: a
        # frame and a list of reference frames, a pair of images into one convolution)
        for group in [*([p] for p in positions), *([alike] if len(alike) > 1 else [])]:
            current = self._channels(inputs, group[0])
            points = {current: given}
            for probe in PROBES:
                reached = self._reached(built, inputs, group, probe, failed)
                if reached is not None:
                    points[probe] = reached
            if len(points) < 2:
                continue
            # the probes alone when both reached it: divisible by the usual chunk counts, unlike the current count
            (c0, got0), (c1, got1) = ([(p, points[p]) for p in PROBES] if all(p in points for p in PROBES)
                                      else sorted(points.items())[-2:])
            k = Fraction(got1 - got0, c1 - c0)
            if k <= 0:
                continue
            m = got0 - k * c0
            solution = (takes - m) / k
            if solution.denominator != 1 or solution <= 0 or solution == current:
                continue
            name = ", ".join(self.names[p] if p < len(self.names) else f"input {p}" for p in group)
            plural = "" if solution == 1 else "s"
            why = (f"; {solution} channel{plural} for {name}{' each' if len(group) > 1 else ''}: {failed.name} "
                   f"{failed.kind}({takes}→…) {_reads(k, m, len(group) > 1, group[0] in self.clips)}, "
                   "found by trying")
            return tuple(group), int(solution), why
        return self._usual_channels(built, inputs, [p for p in positions if p in nearest], failed)

    def _usual_channels(self, built: BuiltModel, inputs: list, positions: list[int], failed) -> tuple | None:
        """No channel count solves the layer's: the usual counts (USUAL_CHANNELS) in turn for the
        nearest input, the first the layer then takes (it fails elsewhere, or the forward runs)."""
        if not positions:
            return None
        position = positions[0]
        current = self._channels(inputs, position)
        for channels in USUAL_CHANNELS:
            if channels == current:
                continue
            tried = list(inputs)
            tried[position] = self._tensor(inputs[position], channels, position=position)
            try:
                eager.run(built.model, tried, built)
            except Exception as exc:
                again = getattr(exc, "failed", None)
                if again is None or (again.name, again.kind) == (failed.name, failed.kind):
                    continue
            name = self.names[position] if position < len(self.names) else f"input {position}"
            plural = "s" if channels > 1 else ""
            return (position,), channels, (f"; {channels} channel{plural} for {name}: the first of the usual counts "
                                           f"{failed.name} {failed.kind} takes, found by trying")
        return None

    def _channels(self, inputs: list, position: int) -> int:
        tensor = self._first_tensor(inputs[position])
        return tensor.shape[2 if position in self.clips and tensor.dim() == 5 else 1]

    @staticmethod
    def _first_tensor(value):
        return value[0] if isinstance(value, list) else value

    def _reached(self, built: BuiltModel, inputs: list[torch.Tensor], positions: Sequence[int], channels: int,
                 failed) -> int | None:
        """The channels the failed layer is given when the inputs at ``positions`` have ``channels``,
        when the forward fails at the same layer again."""
        tried = list(inputs)
        for position in positions:
            tried[position] = self._tensor(inputs[position], channels, position=position)
        try:
            eager.run(built.model, tried, built)
        except Exception as exc:
            again = getattr(exc, "failed", None)
            if (again is not None and (again.name, again.kind, again.takes) == (failed.name, failed.kind, failed.takes)
                    and again.shapes and len(again.shapes[0]) >= 2):
                return again.shapes[0][1 if failed.axis == 1 else -1]
        return None


# torch's message for a layer given one axis more than it takes ("Expected 4D (unbatched) or 5D
# (batched) input to conv3d, but got input of size: [1, 3, 1, 16, 128, 128]")
_TOO_MANY_AXES = re.compile(r"Expected \d+D \(unbatched\) or (\d+)D \(batched\) input to \w+, "
                            r"but got input of size: \[([\d, ]+)\]")


class _ReadMaps(dict):
    """A dict input that notes the keys the forward reads, in order, into ``read`` (its position's)."""

    read: list | None = None
    position = 0

    def __getitem__(self, key):
        if self.read is not None:
            self.read.append((self.position, key))
        return super().__getitem__(key)


def _reads(k: Fraction, m: Fraction, together: bool = False, clip: bool = False) -> str:
    """How a layer reads an input of c channels, in words: "reads a part of it (c/2 channels…)";
    ``together``: inputs of c channels each; ``clip``: the input is a clip (its frames stacked)."""
    term = "c" if k == 1 else f"{k.numerator}·c" if k.denominator == 1 else \
        f"c/{k.denominator}" if k.numerator == 1 else f"{k.numerator}·c/{k.denominator}"
    formula = term if m == 0 else f"{term} {'+' if m > 0 else '−'} {abs(m)}"
    if together:
        return f"is given {formula} channels for their c each (the inputs concatenated)"
    if clip and k > 1 and m == 0:
        return f"is given {formula} channels for its c (the clip's frames stacked along the channels)"
    if k == 1 and m == 0:
        return "reads it whole"
    if k < 1 or m < 0:
        return f"reads a part of it ({formula} of its c channels: a chunk, split or slice along the channels)"
    if m > 0:
        return (f"is given {formula} channels for its c (the input concatenated with {m} more: a mask, a map "
                "or a vector)")
    return (f"is given {formula} channels for its c (a pixel unshuffle, space-to-depth, or the input concatenated "
            "with itself)")


def _fmt(shape) -> str:
    return "×".join(map(str, shape))


def _candidates(model: nn.Module, fx_graph, names: list[str], given: Sequence[Shape], declared,
                sides: list[int], hints: InputHints, extras: dict | None = None):
    """(image side, guesses) to run the forward at, in order; side None for given or declared
    shapes. Inputs with no image side (a Linear or an Embedding reads them) are tried once."""
    if given:
        yield None, _guesses(model, fx_graph, names, sides[0], hints, extras)  # only their dtypes are used
        return
    if declared and not extras:
        yield None, declared
    tried, done = [], set()
    while sides:  # a list: the search puts a side its failure states at the front
        side = sides.pop(0)
        if side in done:
            continue
        done.add(side)
        guesses = _guesses(model, fx_graph, names, side, hints, extras) if isinstance(side, int) else \
            _at_frame(_guesses(model, fx_graph, names, side[0], hints, extras), *side)
        if guesses not in tried:
            tried.append(guesses)
            yield side, guesses


def _at_frame(guesses: list, height: int, width: int) -> list:
    """Guesses made at side ``height`` given a frame ``width`` wide: each image's (or clip's) last
    axis scaled by width / height, when that is a whole number (a map at a fraction of the side)."""
    framed = []
    for guess in guesses:
        if guess is not None and len(guess[0]) >= 4 and guess[0][-1] == guess[0][-2] \
                and (guess[0][-1] * width) % height == 0:
            shape, dtype, reason = guess
            guess = ((*shape[:-1], shape[-1] * width // height), dtype, reason)
        framed.append(guess)
    return framed


def _short_side(side) -> str:
    return _fmt(side) if isinstance(side, tuple) else str(side)


def _side_text(side) -> str:
    return f"{side[0]}×{side[1]} (a frame the model's code states)" if isinstance(side, tuple) else str(side)


def _guesses(model: nn.Module, fx_graph, names: list[str], side: int, hints: InputHints, extras: dict | None = None):
    """The guess for each input at ``side``; ``extras``: optional inputs the forward needs, name ->
    (the shape of the tensor it meets at ``seen_at``'s side or None, seen_at), after the others."""
    extras = extras or {}
    required = [name for name in names if name not in extras]
    ranks = dict(hints.ranks)
    graph_guesses = fx.input_guesses(fx_graph, side, hints) if fx_graph is not None else [None] * len(required)
    guesses = [with_rank(g, ranks[n], hints, n, side) if n in ranks else g for n, g in zip(required, graph_guesses)]
    if required and None in guesses:  # no graph, or no layer of it reads the input: the forward's code
        code_guesses = _code_guesses(model, required, side, hints, guesses[0])
        guesses = [guess or (by_code(code_guess) if fx_graph is not None else code_guess)
                   for guess, code_guess in zip(guesses, code_guesses)]
    orders = dict(hints.orders)
    guesses = [reordered(g, orders[n]) if n in orders else g for n, g in zip(required, guesses)]
    indexed = dict(hints.indexed)
    guesses = [with_indexed_channels(g, indexed[n]) if n in indexed else g for n, g in zip(required, guesses)]
    splits = dict(hints.splits)
    guesses = [with_split_channels(g, splits[n]) if n in splits else g for n, g in zip(required, guesses)]
    guesses[1:] = [g if ranks.get(n) == 4 else with_frames(g, guesses[0]) for n, g in zip(required[1:], guesses[1:])]
    first = guesses[0] if guesses else None
    for name in names[len(required):]:
        shape, seen_at = extras[name]
        why = "the forward uses it without checking for None"
        if shape is None:
            guess = guess_by_name(name, first, hints) or first
            guesses.append(guess and (guess[0], guess[1], f"{guess[2]}; {name}: {why}"))
            continue
        scaled = [Fraction(n * side, seen_at) for n in shape[2:]] if len(shape) >= 3 else []
        if all(n.denominator == 1 and n >= 1 for n in scaled):
            shape = (*shape[:2], *map(int, scaled))
        mask = is_mask(name, spelled_out=True) and len(shape) >= 3
        shape = (shape[0], 1, *shape[2:]) if mask else shape
        guesses.append((shape, torch.float32, f"{name}: {why}, {'a 1-channel map' if mask else 'shaped'} "
                                              "like the tensor it meets"))
    return guesses


def _code_guesses(model: nn.Module, required: list[str], side: int, hints: InputHints, first=None) -> list:
    """Without a graph: the first input from the first layer the forward's code gives it to (or
    ``first``, the graph's guess), the others from theirs or by their names beside it (see
    ``guess_of_later_input``)."""
    ranks = dict(hints.ranks)
    readings = [input_reading(model, name) for name in required]
    if first is None:
        reading = readings[0].module
        tree_guess = guess_from_tree(reading[1], side, reading[0]) if reading is not None else None
        first = with_channels(tree_guess or guess_from_tree(model, side), required[0], hints)
        first = with_rank(first, ranks[required[0]], hints, required[0], side) if required[0] in ranks else first
    tiled = tiled_inputs(model)
    return [first] + [guess_of_later_input(name, reading, required[0], readings[0], first, side, hints,
                                           name in tiled)
                      for name, reading in zip(required[1:], readings[1:])]


def _traced_at_sizes(built: BuiltModel, inputs: list, reference: Trace, notes: list[str]):
    """fx again where it could not trace (a forward that branches on its input's sizes), now at
    the example input's sizes, its checks of them answered (see ``fx.trace_at``); None when that
    fails too."""
    if not all(isinstance(t, torch.Tensor) for t in inputs):
        return None
    try:
        graph = fx.trace_at(built.model, inputs, reference.module_results)
    except Exception:
        return None
    failed = next((i for i, note in enumerate(notes) if note.startswith("fx could not trace")), None)
    if failed is not None:
        untraced, reason = notes[failed].split(": ", 1)
        notes[failed] = f"{untraced.replace('could not trace', 'traced', 1)} at the example input's sizes ({reason})"
    return graph


def _best_trace(built: BuiltModel, fx_graph, inputs: list[torch.Tensor], reference: Trace,
                notes: list[str]) -> tuple[str, Trace]:
    """The most precise tier whose leaf module calls agree with the eager reference (a module
    shared by two parents counted under one of its names: each tier names it its own way)."""
    expected = reference.leaf_calls()
    if fx_graph is not None:
        try:
            trace = fx.run(fx_graph, inputs, built, reference)
            if trace.leaf_calls() == expected:
                return "fx", trace
            if _by_module(trace.leaf_calls(), built) == _by_module(expected, built):
                return "fx", _named_as_called(trace, built)
            notes.append(f"the fx graph differs from the eager forward ({_difference(trace, expected)}): "
                         "fx dropped or added a branch")
        except Exception as exc:
            notes.append(f"the fx graph does not run: {_describe(exc)}")
    try:
        trace = export.run(built.model, inputs, built)
        computed, computing = _computing(trace.leaf_calls(), built), _computing(expected, built)
        if computed == computing or _by_module(computed, built) == _by_module(computing, built):
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


def _by_module(calls: Counter, built: BuiltModel) -> Counter:
    """Leaf calls by each module's first name (CoaT's blocks share their position encodings:
    the eager forward names a shared module by its last name, fx by its first)."""
    first = {id(module): name for name, module in reversed(list(built.model.named_modules(remove_duplicate=False)))}
    modules = dict(built.model.named_modules(remove_duplicate=False))
    named: Counter = Counter()
    for name, n in calls.items():
        named[first.get(id(modules[name]), name) if name in modules else name] += n
    return named


def _named_as_called(trace: Trace, built: BuiltModel) -> Trace:
    """fx's layers with a shared module under the name the other tiers give it, its last
    (``self.enc0 = self.encoder.layer0``: the forward calls ``enc0``), scopes too."""
    last = {id(module): name for name, module in built.model.named_modules(remove_duplicate=False)}
    modules = dict(built.model.named_modules(remove_duplicate=False))

    def renamed(name: str) -> str:
        return last.get(id(modules[name]), name) if name in modules else name

    trace.layers = [dataclasses.replace(layer, name=renamed(layer.name) if layer.module is not None else layer.name,
                                        scope=renamed(layer.scope) if layer.scope else layer.scope)
                    for layer in trace.layers]
    return trace


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


def _module_tree(built: BuiltModel, notes: list[str]) -> Trace:
    """No forward: the leaf modules in registration order, without shapes or dataflow; those of
    the attributes the forward's code reaches when it says (see ``reached_attributes``)."""
    trace = Trace()
    reached = reached_attributes(built.model)
    left_out: list[str] = []
    for name, module in built.model.named_modules():
        if not name or not (eager.is_leaf(module) or _torch_layer_subclass(module)):
            continue
        if reached is not None and name.split(".")[0] not in reached:
            left_out.append(name.split(".")[0])
            continue
        trace.layers.append(module_layer(len(trace.layers), name, module, (), None, built))
    if left_out:
        notes.append(f"the forward's code does not reach {', '.join(dict.fromkeys(left_out))}: "
                     "left out of the module tree")
    _returned_outputs(built.model, trace)
    return trace


def _filled_outputs(model: nn.Module, trace: Trace) -> None:
    """A returned tensor no layer computed (``outputs = torch.zeros(...)``, filled step by step
    in a loop the example input did not run): what its code writes into it, when it says."""
    computed = {consumer for _, consumer in trace.edges}
    empty = [position for position, index in enumerate(trace.outputs)
             if index not in computed and trace.layers[index].module is None]
    if not trace.outputs:  # made from constants alone (traced at a size that runs the loop no time)
        steps = returned_steps(model)
        found = [_step_layer(step, trace) for step in steps]
        if found and None not in found:
            trace.outputs[:] = found
        return
    if not empty:
        return
    steps = returned_steps(model)
    if len(steps) != len(trace.outputs):
        return
    for position in empty:
        index = _step_layer(steps[position], trace)
        if index is not None:
            trace.outputs[position] = index


def _step_layer(step, trace: Trace) -> int | None:
    """The layer a returned value's last step is: the module's (its last call), or an activation
    function's, added to the trace."""
    if step is None:
        return None
    if step.module:
        named = [layer.index for layer in trace.layers if layer.name == step.module]
        return named[-1] if named else None
    site = Site(step.path, step.line, step.column, step.end_line)
    layer = function_layer(len(trace.layers), step.function, step.function, "activation", {}, (), None, 0, site)
    trace.layers.append(layer)
    return layer.index


def _returned_outputs(model: nn.Module, trace: Trace) -> None:
    """The module tree's outputs, read from the forward's code (``returned_steps``): a layer of
    the tree, an activation function, or (``UNKNOWN_OUTPUT``) a value the code does not say."""
    steps = returned_steps(model)
    if not any(steps):
        return
    for step in steps:
        index = _step_layer(step, trace)
        if index is None:  # (a hidden state beside the logits): a value no rule pairs
            index = len(trace.layers)
            trace.layers.append(function_layer(index, "unknown", "unknown", UNKNOWN_OUTPUT, {}, (), None, 0, None))
        trace.outputs.append(index)


def _torch_layer_subclass(module: nn.Module) -> bool:
    """A project's subclass of a torch layer, with no children (sync_batchnorm's
    ``SynchronizedBatchNorm2d``): a layer of the tree, though fx does not take it for a leaf."""
    return not any(True for _ in module.children()) and module_op(module) != "module"


def _unused_parameters(built: BuiltModel, inputs: list[torch.Tensor], evaluation: Trace,
                       notes: list[str]) -> tuple[str, ...] | None:
    """Parameters that neither the eval-mode forward nor a training-mode one read (auxiliary
    heads that only run while training are used). The training run takes a batch of two:
    BatchNorm refuses one sample per channel while training."""
    used = set(evaluation.used_parameters)
    model = built.model
    if all(id(p) in used for p in model.parameters()):
        return ()  # nothing left for a training-mode forward to use
    if any(p.device.type != "meta" for p in model.parameters()):  # (a CPU forward made them)
        notes.append("the forward reads tensor values (it ran on the CPU): a branch it did not take "
                     "at the example input may still run, so unused parameters are not judged")
        return None
    try:
        set_training(model, True)
        batch = [[torch.cat([t, t]) for t in value] if isinstance(value, list) else
                 torch.cat([value, value]) if value.dim() else value for value in inputs]
        used |= eager.run(model, batch, built).used_parameters
    except Exception as exc:
        notes.append(f"the training-mode forward failed ({_describe(exc)}): which parameters are "
                     "unused is not judged")
        return None
    finally:
        set_training(model, False)
    return tuple(name for name, p in model.named_parameters() if id(p) not in used)


def _graph(built: BuiltModel, target: str, trace: Trace, tier: str, input_shapes: tuple,
           input_reason: str, task: str, notes: list[str],
           unused_parameters: tuple[str, ...] | None, module_calls=(), reduced_input: bool = False,
           input_names: tuple[str, ...] = ()) -> ModelGraph:
    model = built.model
    evidence = Evidence(names=tuple(c.__name__ for c in type(model).__mro__
                                    if not c.__module__.startswith(("torch.", "builtins"))),
                        finals=tuple(trace.layers[i].type for i in trace.outputs) if tier != "modules" else (),
                        called=tuple(module_calls), inputs=input_names,
                        convolutions=tuple((layer.name, layer.module.in_channels, layer.module.out_channels)
                                           for layer in trace.layers
                                           if isinstance(layer.module, nn.modules.conv._ConvNd)))
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
        buffers=sum(b.numel() for b in model.buffers() if isinstance(b, torch.Tensor)),  # (not a Proxy fx left)
        input_shapes=input_shapes,
        input_reason=input_reason,
        output_shapes=tuple(trace.output_shapes),
        task=decided_task,
        task_reason=task_reason,
        capture=tier,
        weights_requests=tuple(built.weights_requests),
        inits=built.inits,
        built_on=built.device,
        module_sites=built.sites,
        notes=tuple(notes),
        unused_parameters=unused_parameters,
        reduced_input=reduced_input,
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
    return (f" ({failed.name} {failed.kind} takes {takes} channels and was given "
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
    if (older := older_code_failure(cause)) is not None:  # no input helps either
        return CaptureError(f"{failure}; {older}")
    asserted = failed_assertion(cause) if is_size_error(cause) else None
    if also_failed and all_same and asserted:  # an assertion on the sides that none of them passed
        return CaptureError(f"{failure}; the assertion on the input's sides held at none of the other sides tried "
                            f"({', '.join(map(_short_side, also_failed[:12]))}): "
                            "give the input shape with --input-shape")
    if also_failed and all_same:  # what failed does not depend on the size: no size to suggest
        return CaptureError(f"{failure}; the same at every image side tried, so not because of the input's size")
    if not is_size_error(cause):
        return CaptureError(f"{failure}; not a failure about the input's size, so no other side was tried")
    tried = f"; the sides {', '.join(map(_short_side, also_failed))} fail too" if also_failed else ""
    return CaptureError(f"{failure}{tried}; give the input shape with --input-shape")


def _with_cpu_failure(error: CaptureError, meta_failure: BaseException,
                      cpu_failure: BaseException | None) -> CaptureError:
    """The meta forward's failure, and the CPU forward's when it failed otherwise (the meta one is
    often only meta's: ``.item()``; the CPU's then says what stops the model: its own bug, an input)."""
    cause = cpu_failure.__cause__ or cpu_failure if cpu_failure is not None else None
    if cause is None or (type(cause), str(cause)) == (type(meta_failure), str(meta_failure)):
        return error
    where = getattr(cpu_failure, "where", "")
    failed = CaptureError(f"{error}; on the CPU it fails {f'in {where} ' if where else ''}with {_describe(cause)}")
    failed.__cause__ = cause
    return failed


def _same_failure(exc: BaseException, first: BaseException) -> bool:
    """The same exception, message and layer: what failed does not depend on the input's size."""
    def key(e: BaseException):
        cause = e.__cause__ or e
        return type(cause), getattr(e, "where", None), str(cause)

    return key(exc) == key(first)


def _describe(exc: BaseException, limit: int = 200) -> str:
    """The exception's type and first line, cut at ``limit`` characters (torch's symbolic
    shape errors print whole expressions, with symbols in an order that varies by run)."""
    text = str(exc).strip() or failed_assertion(exc) or ""  # a bare assert: its line says what it checks
    first = text.splitlines()[0].rstrip(".") if text else ""
    first = first if len(first) <= limit else first[:limit].rstrip() + "…"
    return f"{type(exc).__name__}: {first}".rstrip(": ")
