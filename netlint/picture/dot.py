"""A Dataflow as Graphviz DOT (netlint.picture.layout lays it out)."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from functools import partial

from netlint.picture.dataflow import INPUT, OUTPUT, Box, Dataflow, Group

FINDING_COLOR = "#c62828"
LEFT = '<br align="left"/>'  # ends a left-aligned line of an HTML-like label

# A label's line: its text and how it is set. Graphviz builds without HTML-like labels (the WebAssembly
# one) get plain labels: the same lines, unstyled (a marked layer still has its colours).
PLAIN, BOLD, CODES = "plain", "bold", "codes"
Line = tuple[str, str]


def to_dot(flow: Dataflow, marks: Mapping[str, Sequence[str]], inputs: str, outputs: str, prefix: str = "",
           html_labels: bool = True) -> str:
    """``marks``: the codes reported on each box or group id. ``inputs``/``outputs``: their shapes' labels.
    ``prefix`` starts every SVG element id (several drawings share a page)."""
    label = partial(_label, html_labels=html_labels)
    lines = [
        "digraph model {",
        f'  graph [id="{prefix}graph", rankdir=TB, fontname="Helvetica", fontsize=10, nodesep=0.2, ranksep=0.25];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f5f5f5", color="#9e9e9e", '
        'fontname="Helvetica", fontsize=9, margin="0.08,0.03"];',
        '  edge [arrowsize=0.6, color="#757575"];',
        f'  in [id="{prefix}in", class="io", shape=oval, fillcolor="#e3f2fd", '
        f'label={label([("input", PLAIN), (inputs, PLAIN)])}];',
        f'  out [id="{prefix}out", class="io", shape=oval, fillcolor="#e3f2fd", '
        f'label={label([("output", PLAIN), (outputs, PLAIN)])}];',
    ]
    lines += _members(flow.root.members, marks, "  ", prefix, label)
    ends = {INPUT: "in", OUTPUT: "out"}
    lines += [f'  {ends.get(a, f"n{a}")} -> {ends.get(b, f"n{b}")} [id="{prefix}e{n}"];'
              for n, (a, b) in enumerate(flow.edges)]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _members(members: Sequence[Box | Group], marks: Mapping[str, Sequence[str]], indent: str,
             prefix: str, label: Callable[..., str]) -> list[str]:
    lines = []
    for item in members:
        codes = marks.get(item.id, ())
        if isinstance(item, Box):
            lines.append(f"{indent}{item.id} [{_box_attributes(item, codes, prefix, label)}];")
            continue
        # Bold and plain text on one line are placed by dot's font metrics, which a browser's font may
        # overrun: each line is one run, and left-aligned.
        repeat = f" ×{item.repeat}" if item.repeat > 1 else ""
        text = [(item.title + repeat, BOLD), (f"{item.type} · {item.params:,} params" + (" each" if repeat else ""),
                                              PLAIN)]
        if codes:
            text.insert(0, (" ".join(codes), CODES))
        style = "rounded,filled" if item.repeat > 1 else "rounded"
        attributes = [f'id="{prefix}{item.id}"', f'class="module{" finding" if codes else ""}"',
                      f"label={label(text, left=True)}",
                      f'style="{style}"', 'fillcolor="#eef3fb"', f'color="{FINDING_COLOR if codes else "#bdbdbd"}"',
                      f'penwidth={2 if codes else 1}', 'labeljust="l"', f'tooltip="{_quoted(item.site or item.name)}"']
        lines.append(f"{indent}subgraph {item.id} {{")
        lines += [f"{indent}  {a};" for a in attributes]
        lines += _members(item.members, marks, indent + "  ", prefix, label)
        lines.append(f"{indent}}}")
    return lines


def _box_attributes(box: Box, codes: Sequence[str], prefix: str, label: Callable[..., str]) -> str:
    shape = "×".join(map(str, box.shape)) if box.shape else "not called" if box.module else "?"
    repeat = f" ×{box.repeat}" if box.repeat > 1 else ""
    text = [(box.type + repeat, BOLD)]
    if box.name != box.type:  # a function's name is its type
        text.append((box.name, PLAIN))
    text.append((shape + (f" · {box.params:,} params{' each' if repeat else ''}" if box.params else ""), PLAIN))
    attributes = [f'id="{prefix}{box.id}"', f'class="layer{" finding" if codes else ""}"',
                  f'tooltip="{_quoted(box.site or box.name)}"']
    if codes:
        text.insert(0, (" ".join(codes), CODES))
        attributes += [f'color="{FINDING_COLOR}"', "penwidth=2", 'fillcolor="#fdecea"']
    elif box.module:
        attributes.append('fillcolor="#eef3fb"')
    return ", ".join([f"label={label(text)}", *attributes])


def _label(lines: Sequence[Line], html_labels: bool, left: bool = False) -> str:
    if not html_labels:
        end = "\\l" if left else "\\n"
        return '"' + end.join(_quoted(text) for text, _ in lines) + (end if left else "") + '"'
    runs = []
    for text, how in lines:
        text = html.escape(text, quote=True)
        if text and how != PLAIN:  # (Graphviz refuses an empty <b></b>)
            text = f"<b>{text}</b>"
        runs.append(f'<font color="{FINDING_COLOR}">{text}</font>' if how == CODES else text)
    return "<" + (LEFT.join(runs) + LEFT if left else "<br/>".join(runs)) + ">"


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
