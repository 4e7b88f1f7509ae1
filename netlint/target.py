"""What discovery hands on: a model to lint (``Target``, with the calls of it found in the project's
code: ``CodeArguments``), a path or target that could not be turned into one (``Problem``), and a
class that is not linted, with why (``Skipped``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the graph module is for models only: a commit without one never imports it
    from netlint.graph import Shape


@dataclass(frozen=True)
class CodeArguments:
    """A call that builds the model in the project's code (``arguments.from_code`` finds them)."""

    arguments: str  # the call's arguments, folded to literals: "3, 3, 64, 23, gc=32" ("" for none)
    where: str  # "test.py:25"
    inputs: tuple[tuple[int, ...], ...] = ()  # the example tensors the same code passes to the model
    # what is called: "" the class; "resnet18" a function of the class's file; "Net.from_name" a classmethod
    callee: str = ""
    # the arguments that are not constants (positions, keywords): left at their defaults
    left_out: tuple[int | str, ...] = ()
    # some arguments are modules (``Net(Encoder(), decoder)``): evaluated when the model is built
    modules: bool = False
    callee_file: str = ""  # the file of a factory of another file (``modeling.py``), "" for the model's own
    # a factory's parameters without defaults (``resnet50(num_classes, pretrained=False)``): guessed by meaning
    guess: tuple[str, ...] = ()
    # the configuration file's sections the call passes as ``**config['model']`` (in its arguments):
    # "config/vox-256.yaml, section model_params.kp_detector_params"
    configured: str = ""
    # the names of the calling file the module arguments use that the model's module may lack:
    # (name, the project file or "" for a library, what it names there: "resnet", "E_resnet", "torchvision.models")
    imports: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Target:
    """One model to lint: a class or factory in a file or an importable module, called with
    the arguments given (``file.py::UNet(3, 2)``) or, without, those the project uses."""

    display: str  # "fixtures/gen.py::Generator", "torchvision.models:resnet50", "unet.py::UNet(3, 2)"
    name: str  # attribute to build ("Generator")
    path: Path | None = None  # the source file, for file targets
    module: str | None = None  # the dotted module, for "package.module:name" targets
    line: int | None = None  # where the class or function is defined, when known
    discovered: bool = False  # found by scanning a file, not named by the user
    arguments: str | None = None  # given: "3, n_classes=2" (literals and dotted names)
    arguments_from: str = "given"  # who gave them: the command line or the config
    calls: tuple[CodeArguments, ...] = ()  # calls of it with constant arguments in the project

    @property
    def base(self) -> str:
        """The display without the arguments: what config tables and baselines match."""
        return self.display.partition("(")[0] if self.arguments is not None else self.display


@dataclass(frozen=True)
class Problem:
    """A path or target that could not be turned into targets."""

    target: str
    path: str | None
    line: int | None
    message: str
    detail: str | None = None  # the traceback, shown with --verbose


@dataclass(frozen=True)
class Skipped:
    target: str
    reason: str
    model: bool = True  # a model netlint could not build as it is (not a base class, say)


@dataclass(frozen=True)
class Options:
    """How to lint each target: what the command line asks (the config's table for a target may
    set its input shapes and task: netlint.configured_targets)."""

    input_shapes: tuple[Shape, ...] = ()
    task: str = "auto"
    timeout: float | None = 60.0  # seconds per target; None for no limit
    dataflow: bool = False  # keep each model's dataflow, folded for drawing (the HTML report)
