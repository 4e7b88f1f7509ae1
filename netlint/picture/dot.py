"""A Dataflow as Graphviz DOT, and the SVG that Graphviz's ``dot`` lays out from it."""

from __future__ import annotations

import html
import shutil
import subprocess
from collections.abc import Mapping, Sequence

from netlint.picture.dataflow import INPUT, OUTPUT, Box, Dataflow, Group

INSTALL_DOT = ("the drawing needs Graphviz's dot: install Graphviz (apt install graphviz, "
               "brew install graphviz or conda install graphviz) and run netlint again")
FINDING_COLOR = "#c62828"
LEFT = '<br align="left"/>'  # ends a left-aligned line of a label


class RenderError(Exception):
    """``dot`` is missing or failed; the message says which and what to do."""


def to_dot(flow: Dataflow, marks: Mapping[str, Sequence[str]], inputs: str, outputs: str, prefix: str = "") -> str:
    """``marks``: the codes reported on each box or group id. ``inputs``/``outputs``: their shapes' labels.
    ``prefix`` starts every SVG element id (several drawings share a page)."""
    lines = [
        "digraph model {",
        f'  graph [id="{prefix}graph", rankdir=TB, fontname="Helvetica", fontsize=10, nodesep=0.2, ranksep=0.25];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f5f5f5", color="#9e9e9e", '
        'fontname="Helvetica", fontsize=9, margin="0.08,0.03"];',
        '  edge [arrowsize=0.6, color="#757575"];',
        f'  in [id="{prefix}in", class="io", shape=oval, fillcolor="#e3f2fd", label=<input<br/>{_text(inputs)}>];',
        f'  out [id="{prefix}out", class="io", shape=oval, fillcolor="#e3f2fd", label=<output<br/>{_text(outputs)}>];',
    ]
    lines += _members(flow.root.members, marks, "  ", prefix)
    ends = {INPUT: "in", OUTPUT: "out"}
    lines += [f'  {ends.get(a, f"n{a}")} -> {ends.get(b, f"n{b}")} [id="{prefix}e{n}"];'
              for n, (a, b) in enumerate(flow.edges)]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _members(members: Sequence[Box | Group], marks: Mapping[str, Sequence[str]], indent: str,
             prefix: str) -> list[str]:
    lines = []
    for item in members:
        codes = marks.get(item.id, ())
        if isinstance(item, Box):
            lines.append(f"{indent}{item.id} [{_box_attributes(item, codes, prefix)}];")
            continue
        # Bold and plain text on one line are placed by dot's font metrics, which a browser's font may
        # overrun: each line is one run, and left-aligned.
        repeat = f" ×{item.repeat}" if item.repeat > 1 else ""
        label = f"{_bold(_text(item.title) + repeat)}{LEFT}{_text(item.type)} · {item.params:,} params" \
            + (" each" if repeat else "") + LEFT
        if codes:
            label = _codes(codes) + LEFT + label
        style = "rounded,filled" if item.repeat > 1 else "rounded"
        attributes = [f'id="{prefix}{item.id}"', f'class="module{" finding" if codes else ""}"', f"label=<{label}>",
                      f'style="{style}"', 'fillcolor="#eef3fb"', f'color="{FINDING_COLOR if codes else "#bdbdbd"}"',
                      f'penwidth={2 if codes else 1}', 'labeljust="l"', f'tooltip="{_quoted(item.site or item.name)}"']
        lines.append(f"{indent}subgraph {item.id} {{")
        lines += [f"{indent}  {a};" for a in attributes]
        lines += _members(item.members, marks, indent + "  ", prefix)
        lines.append(f"{indent}}}")
    return lines


def _bold(label: str) -> str:
    """Bold text; nothing for no text (Graphviz refuses an empty ``<b></b>``)."""
    return f"<b>{label}</b>" if label else ""


def _box_attributes(box: Box, codes: Sequence[str], prefix: str) -> str:
    shape = "×".join(map(str, box.shape)) if box.shape else "not called" if box.module else "?"
    name = "" if box.name == box.type else f"<br/>{_text(box.name)}"  # a function's name is its type
    repeat = f" ×{box.repeat}" if box.repeat > 1 else ""
    label = f"{_bold(_text(box.type) + repeat)}{name}<br/>{shape}"
    if box.params:
        label += f" · {box.params:,} params{' each' if repeat else ''}"
    attributes = [f'id="{prefix}{box.id}"', f'class="layer{" finding" if codes else ""}"',
                  f'tooltip="{_quoted(box.site or box.name)}"']
    if codes:
        label = _codes(codes) + "<br/>" + label
        attributes += [f'color="{FINDING_COLOR}"', "penwidth=2", 'fillcolor="#fdecea"']
    elif box.module:
        attributes.append('fillcolor="#eef3fb"')
    return ", ".join([f"label=<{label}>", *attributes])


def _codes(codes: Sequence[str]) -> str:
    """The first line of a marked box or module's label: the codes of its findings."""
    return f'<font color="{FINDING_COLOR}">{_bold(_text(" ".join(codes)))}</font>'


def _text(text: str) -> str:
    return html.escape(text, quote=True)


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def render_svg(source: str, timeout: float = 120) -> str:
    """The SVG ``dot`` lays out, ready to sit inside an HTML page (no XML prologue or doctype)."""
    dot = shutil.which("dot")
    if dot is None:
        raise RenderError(INSTALL_DOT)
    try:
        proc = subprocess.run([dot, "-Tsvg"], input=source.encode(), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RenderError(f"Graphviz's dot took longer than {timeout:g} s to lay out the drawing") from None
    if proc.returncode:
        error = proc.stderr.decode(errors="replace").strip().splitlines()
        raise RenderError(f"Graphviz's dot failed: {error[-1] if error else f'exit {proc.returncode}'}")
    svg = proc.stdout.decode()
    return svg[svg.index("<svg"):]
