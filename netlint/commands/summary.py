"""``netlint summary``: the per-layer table of a model, from its ModelGraph.

One row per module of the module tree (as torchinfo prints, but built on the meta device:
no weights are allocated, so it works on models larger than memory): qualified name, type,
output shape, parameters and multiply-adds. Modules deeper than ``--depth`` are folded into
their ancestor's row. A parameter (or module) reachable under two names is counted in the
first row that holds it; later rows name it as shared. The parameter column sums to the
model's total.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import click

from netlint import __version__

DEFAULT_DEPTH = 3
CONTAINERS = ("Sequential", "ModuleList", "ModuleDict")


@dataclass(frozen=True)
class Row:
    name: str  # qualified module name; "" for the model itself
    type: str
    depth: int  # 0 for the model, 1 for its children, …
    output_shape: tuple[int, ...] | None  # of the module's last call; None when it was not called
    params: int  # parameters counted in this row (its own, or its subtree's when folded)
    shared: tuple[str, ...]  # parameters (or the module) counted in an earlier row, by first name
    macs: int | None  # multiply-adds of its calls (subtree's when folded); None: not countable
    folded: bool  # deeper modules are counted in this row


@dataclass(frozen=True)
class Summary:
    target: str
    class_name: str
    capture: str
    input_shapes: tuple[tuple[int, ...], ...]
    input_reason: str
    output_shapes: tuple[tuple[int, ...], ...]
    params: int  # shared parameters once
    trainable_params: int
    buffers: int
    weight_bytes: int  # what the parameters and buffers would take, were they allocated
    built_on: str  # "meta", "meta-with-cpu-values" or "cpu" (graph.ModelGraph.built_on)
    macs: int  # of the layers that can be counted
    uncounted: tuple[str, ...]  # layers whose multiply-adds could not be counted
    depth: int
    rows: tuple[Row, ...]


def summarize(graph, depth: int = DEFAULT_DEPTH) -> Summary:
    """The table of ``graph`` (a ModelGraph with its model on meta), folded below ``depth``."""
    from netlint.commands.macs import layer_macs

    model = graph.model
    owner_of = [layer.name if layer.module is not None else layer.scope for layer in graph.layers]
    macs_of = [layer_macs(layer) for layer in graph.layers]
    param_owner: dict[int, str] = {}  # id(parameter) -> qualified name where it was first counted
    module_owner: dict[int, str] = {}
    rows: list[Row] = []
    for name, module, level, opaque in _walk(model):
        if level > depth:
            continue
        whole = level == depth or opaque  # the row counts its whole subtree
        folded = whole and next(module.children(), None) is not None
        if id(module) in module_owner:  # the same module under a second name
            rows.append(_row(name, module, level, (module_owner[id(module)],), 0, folded,
                             owner_of, macs_of, graph))
            continue
        module_owner[id(module)] = name
        named = module.named_parameters(recurse=whole)
        new, shared = 0, []
        for pname, p in named:
            full = f"{name}.{pname}" if name else pname
            if id(p) in param_owner:
                shared.append(param_owner[id(p)])
            else:
                param_owner[id(p)] = full
                new += p.numel()
        if whole:
            for _, sub in module.named_modules(prefix=name):
                module_owner.setdefault(id(sub), name)
        rows.append(_row(name, module, level, tuple(shared), new, folded, owner_of, macs_of, graph))
    counted = [m for m in macs_of if m is not None]
    uncounted = tuple(dict.fromkeys(f"{layer.name} ({layer.type})" for layer, m in zip(graph.layers, macs_of)
                                    if m is None))
    weight_bytes = sum(p.numel() * p.element_size() for p in model.parameters()) + \
        sum(b.numel() * b.element_size() for b in model.buffers())
    return Summary(graph.target, graph.class_name, graph.capture, graph.input_shapes, graph.input_reason,
                   graph.output_shapes, graph.params, graph.trainable_params, graph.buffers, weight_bytes,
                   graph.built_on,
                   sum(counted), uncounted, depth, tuple(rows))


def _walk(model) -> Iterator[tuple[str, object, int, bool]]:
    """(qualified name, module, depth, opaque) in registration order, the model first. A
    module of torch.nn other than a container is opaque: its children are its own business."""
    from netlint.capture.eager import is_leaf

    stack = [("", model, 0)]
    while stack:
        name, module, level = stack.pop()
        opaque = level > 0 and is_leaf(module) and type(module).__name__ not in CONTAINERS
        yield name, module, level, opaque
        if not opaque:
            children = [(f"{name}.{child}" if name else child, sub, level + 1)
                        for child, sub in module._modules.items() if sub is not None]
            stack.extend(reversed(children))


def _row(name: str, module, level: int, shared: tuple[str, ...], params: int, folded: bool,
         owner_of: list[str], macs_of: list[int | None], graph) -> Row:
    subtree = [i for i, owner in enumerate(owner_of)
               if owner == name or not name or owner.startswith(name + ".")]
    mine = subtree if folded else [i for i in subtree if owner_of[i] == name]
    if not name:
        output = graph.output_shapes[0] if graph.output_shapes else None
    elif type(module).__name__ in ("ModuleList", "ModuleDict"):  # holders, never called
        output = None
    else:  # the last layer its forward ran
        output = graph.layers[subtree[-1]].output_shape if subtree else None
    macs = [macs_of[i] for i in mine]
    return Row(name, type(module).__name__, level, output, params, shared,
               None if None in macs else sum(macs), folded)


# --- formatting ---------------------------------------------------------------------------

def _shape(shape) -> str:
    return "×".join(map(str, shape)) if shape else "—"


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.2f} {unit}"
        n /= 1000
    return ""


def format_text(summary: Summary) -> str:
    rows = []
    for row in summary.rows:
        label = "  " * row.depth + (row.name or f"({summary.class_name})")
        params = f"{row.params:,}" if row.params or row.shared else "—"
        macs = "?" if row.macs is None else (f"{row.macs:,}" if row.macs else "—")
        shared = f"shares {', '.join(row.shared)}" if row.shared else ""
        rows.append((label, row.type, _shape(row.output_shape), params, macs, shared))
    headers = ("layer", "type", "output shape", "params", "mult-adds", "")
    if any(row.shared for row in summary.rows):
        headers = (*headers[:-1], "shared (counted in an earlier row)")
    table = _table(headers, rows, right=(3, 4))
    inputs = " and ".join(_shape(s) for s in summary.input_shapes) or "—"
    macs = f"{summary.macs:,}"
    if summary.uncounted:
        shown = ", ".join(summary.uncounted[:3]) + (" …" if len(summary.uncounted) > 3 else "")
        macs = f"≥ {macs} (not counted: {shown})"
    lines = [
        f"{summary.target}  ({summary.class_name}, {summary.capture} capture, depth {summary.depth})",
        table,
        "",
        f"Total params:          {summary.params:,} (shared parameters once)",
        f"Trainable params:      {summary.trainable_params:,}",
        f"Non-trainable params:  {summary.params - summary.trainable_params:,}",
        f"Buffers:               {summary.buffers:,}",
        f"Mult-adds:             {macs} at input {inputs} ({summary.input_reason})",
        f"Weights:               {_size(summary.weight_bytes)}" + (
            " if allocated (built on the meta device: none were)" if summary.built_on == "meta"
            else " if allocated (its weights were built on meta: none were)" if summary.built_on.startswith("meta-")
            else f" (built on the {summary.built_on}: it does not build on meta)"),
    ]
    return "\n".join(lines)


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]], right: tuple[int, ...]) -> str:
    """Columns padded to their widest cell (leading spaces kept: they show the nesting)."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows)]

    def line(cells) -> str:
        return "  ".join(cell.rjust(w) if i in right else cell.ljust(w)
                         for i, (cell, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def to_json(summary: Summary) -> dict:
    data = asdict(summary)
    return {"target": data.pop("target"), "class": data.pop("class_name"), **data}


# --- the command --------------------------------------------------------------------------

@click.command("summary")
@click.argument("paths", nargs=-1, required=True)
@click.option("--depth", type=click.IntRange(min=0), default=DEFAULT_DEPTH, show_default=True,
              help="Fold modules deeper than this into their ancestor's row.")
@click.option("--input-shape", "input_shapes", multiple=True, metavar="SHAPE",
              help="Example input shape, e.g. 1,3,256,256 (repeat for several inputs).")
@click.option("--output-format", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Show skipped targets and tracebacks of errors.")
def summary_command(paths, depth, input_shapes, output_format, verbose) -> None:
    """Per-layer table of the models PATHS define: name, type, output shape, parameters,
    multiply-adds and totals, built on the meta device (no weights allocated)."""
    from netlint.command_line import EXIT_CLEAN, EXIT_ERROR, shape_option as parse_shape

    shapes = tuple(parse_shape(s) for s in input_shapes)
    summaries, errors = [], []
    for target, result in _summaries(paths, shapes, depth, verbose):
        if isinstance(result, Summary):
            summaries.append(result)
        else:
            errors.append((target, result))
    if output_format == "json":
        click.echo(json.dumps({"version": __version__, "models": [to_json(s) for s in summaries],
                               "errors": [{"target": t, "message": m} for t, m in errors]}, indent=2))
    else:
        click.echo("\n\n".join(format_text(s) for s in summaries))
    for target, message in errors:
        click.echo(f"{target}: {message}", err=True)
    sys.exit(EXIT_ERROR if errors or not summaries else EXIT_CLEAN)


def _summaries(paths, shapes, depth: int, verbose: bool):
    """(target, Summary or error message) for each target the paths name."""
    from netlint.capture import capture
    from netlint.commands.named_targets import each_model
    from netlint.load.construct import build

    def summary(target, settings) -> Summary:
        graph = capture(build(target), target.display, shapes or settings.input_shapes, settings.task or "auto")
        return summarize(graph, depth)

    return each_model(paths, verbose, "defines no model to summarize", summary)
