"""What a rule's fix changes, declared next to its check: edits of the call that created a
layer, found later in the source by its site. Nothing here reads source or imports libcst;
``netlint.fix.edits`` turns these into text edits."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from netlint.graph import Layer, Site

@dataclass(frozen=True)
class Call:
    """The call that created a layer: at ``site``, a call of a function or class whose name
    ends in ``callee``; ``parameters`` name its positional parameters (a module's ``__init__``)."""

    site: Site
    callee: str
    parameters: tuple[str, ...] = ()
    module: bool = True  # a module's constructor, or a function applied in forward

    @classmethod
    def of(cls, layer: Layer) -> Call | None:
        if layer.site is None:
            return None
        if layer.module is None:
            return cls(layer.site, layer.type, module=False)
        return cls(layer.site, type(layer.module).__name__, _positional_parameters(type(layer.module)))


def _positional_parameters(cls: type) -> tuple[str, ...]:
    try:
        parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    except (TypeError, ValueError):
        return ()
    names = []
    for p in parameters:
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            break
        names.append(p.name)
    return tuple(names)


@dataclass(frozen=True)
class SetArgument:
    """Give the call ``name=value`` (``value`` is source text), where it passes that
    argument, by keyword or by position, or as a new keyword argument. ``what`` says what the
    argument is ("the bias flag"), for the reason when the value comes from a variable; with
    ``what=""`` the value written replaces whatever expression is there (it is built from it)."""

    call: Call
    name: str
    value: str
    what: str


@dataclass(frozen=True)
class DropArgument:
    """Leave the argument out (it takes its default)."""

    call: Call
    name: str


@dataclass(frozen=True)
class RenameCallee:
    """Call another class of the same module: ``nn.BatchNorm2d`` → ``nn.InstanceNorm2d``."""

    call: Call
    name: str


@dataclass(frozen=True)
class RemoveCall:
    """Take the layer out: a module's constructor becomes ``Identity()`` of the same module
    (the other modules keep their names and state_dict keys), a function applied in forward
    is replaced by its input."""

    call: Call


@dataclass(frozen=True)
class CopyArguments:
    """Give the call the arguments another call passes: ``names`` maps each argument of this
    call to one of ``source``'s; one the source leaves out is left out here too."""

    call: Call
    source: Call
    names: tuple[tuple[str, str], ...]


Change = Union[SetArgument, DropArgument, RenameCallee, RemoveCall, CopyArguments]


@dataclass(frozen=True)
class Edit:
    """Replace the text from (line, column) to (end_line, end_column), 1-based, the end
    exclusive, by ``text``."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str


class Applicability(str, Enum):
    """How far a fix can be trusted: ``SAFE`` keeps what the model computes (``--fix`` applies
    it), ``UNSAFE`` changes it (``--fix --unsafe-fixes``). A str: reports show "safe", "unsafe"."""

    SAFE = "safe"
    UNSAFE = "unsafe"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


@dataclass(frozen=True)
class Autofix:
    """A finding's automatic fix: what the rule declares (``applicability``, ``changes``),
    then, once resolved against the source, its ``edits`` or why there are none."""

    applicability: Applicability | None  # None: no fix
    changes: tuple[Change, ...] = ()
    # the parameters the fix adds (negative: removes), when that is not the finding's
    # params_delta (the finding suggests another fix first); verification checks it
    params_delta: int | None = None
    edits: tuple[Edit, ...] = ()
    unavailable: str = ""  # "no automatic fix: …" or "fix not applied: …"

    @classmethod
    def of(cls, applicability: Applicability | str, *changes: Change, params_delta: int | None = None) -> Autofix:
        """The fix, or none when a layer it changes has no known site (``Call.of`` gave None).
        ``applicability`` may be given as its value ("safe", "unsafe"), as plug-ins do."""
        applicability = Applicability(applicability)
        if any(c.call is None or getattr(c, "source", True) is None for c in changes):
            return cls(applicability, unavailable="no automatic fix: the line that created the layer is unknown")
        return cls(applicability, tuple(changes), params_delta)

    @classmethod
    def none(cls, reason: str) -> Autofix:
        return cls(None, unavailable=f"no automatic fix: {reason}")

    @property
    def resolved(self) -> bool:
        """Its edits, or why there are none, are known (netlint.fix.edits.resolve)."""
        return not self.changes or bool(self.edits) or bool(self.unavailable)

    @property
    def available(self) -> bool:
        return bool(self.edits) and not self.unavailable
