"""One self-contained HTML page: the run's summary; per model its summary line, its findings
and a drawing of its dataflow with the layers that have findings marked; and the
documentation of the rules reported. Nothing is loaded from the network: the style is inline
and the drawings are SVG that Graphviz laid out (netlint.picture.layout)."""

from __future__ import annotations

import html
import os
import re
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TextIO

from netlint import __version__
from netlint.picture.dot import to_dot
from netlint.picture.layout import Drawer, RenderError, find_drawer
from netlint.report import (by_target, fix_status, fixable_hint, found_line, location, model_lines, params_change,
                            shape, skipped_models, write_problems)
from netlint.result import LintResult, ModelSummary
from netlint.rule import Finding

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #212121;
       margin: 0 auto; max-width: 1200px; padding: 1em 2em 4em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 2em; word-break: break-all; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; }
pre { background: #f5f5f5; padding: 0.6em 0.8em; overflow-x: auto; }
.summary { color: #555; } .count { font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; }
th, td { text-align: left; vertical-align: top; padding: 0.3em 0.6em; border-bottom: 1px solid #e0e0e0; }
th { background: #fafafa; font-weight: 600; }
.error, .severity-error { color: #c62828; } .severity-warning { color: #e65100; } .severity-note { color: #1565c0; }
.fix { color: #555; font-size: 0.92em; }
.drawing { overflow: auto; border: 1px solid #e0e0e0; border-radius: 6px; padding: 0.5em; margin: 0.8em 0; }
.drawing svg { display: block; margin: 0 auto; }  /* its own size: scroll rather than shrink the text */
.no-drawing { background: #fff8e1; padding: 0.5em 0.8em; border-radius: 6px; }
.rule { border-top: 1px solid #e0e0e0; margin-top: 1.5em; }
nav li { margin: 0.15em 0; }
"""


def write(result: LintResult, stream: TextIO, errors: TextIO, verbose: bool) -> None:
    of_model, of_files = by_target(result)
    models = result.models
    try:
        drawer: Drawer | RenderError = find_drawer()
    except RenderError as exc:
        drawer = exc
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # the system's dot runs in its own process
        drawings = list(pool.map(partial(_drawing, drawer=drawer), models, [of_model[m.target] for m in models],
                                 [f"m{n}-" for n in range(len(models))]))
    hints = [line for line in (skipped_models(result), fixable_hint(result)) if line]
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>netlint report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        f'<h1>netlint report</h1>\n<p class="count">{_text(found_line(result, len(of_files)))}</p>\n',
        "".join(f"<p>{_text(h)}</p>\n" for h in hints),
        f'<p class="summary">netlint {_text(__version__)}</p>\n',
        _contents(result, of_model, of_files),
    ]
    for n, (model, drawing) in enumerate(zip(models, drawings)):
        parts.append(f'<section class="model" id="model-{n}">\n<h2>{_text(model.target)}</h2>\n')
        parts += [f'<p class="summary">{_text(line)}</p>\n' for line in model_lines(model)]
        parts += [_findings(of_model[model.target]), drawing, "</section>\n"]
    for n, (target, findings) in enumerate(of_files.items()):
        parts.append(f'<section class="file" id="file-{n}">\n<h2>{_text(target)}</h2>\n{_findings(findings)}</section>\n')
    if result.suppressed:  # only with --show-suppressed
        parts.append(_suppressed(result))
    if result.errors:
        parts.append('<section id="errors">\n<h2>Errors</h2>\n<ul>\n')
        parts += [f'<li class="error">{_text(location(e.path, e.line) if e.path else e.target)}: '
                  f"{_text(e.message)}</li>\n" for e in result.errors]
        parts.append("</ul>\n</section>\n")
    parts.append(_rules(result))
    parts.append("</body>\n</html>\n")
    stream.write("".join(parts))
    write_problems(result, errors, verbose)


def _contents(result: LintResult, of_model: dict, of_files: dict) -> str:
    if len(result.models) + len(of_files) < 2:
        return ""
    items = [f'<li><a href="#model-{n}">{_text(m.target)}</a> · {_found(of_model[m.target])}</li>\n'
             for n, m in enumerate(result.models)]
    items += [f'<li><a href="#file-{n}">{_text(t)}</a> · {_found(f)}</li>\n' for n, (t, f) in enumerate(of_files.items())]
    if result.errors:
        items.append(f'<li><a href="#errors" class="error">{len(result.errors)} '
                     f'error{"s" * (len(result.errors) != 1)}</a></li>\n')
    return f"<nav>\n<ul>\n{''.join(items)}</ul>\n</nav>\n"


def _found(findings: list[Finding]) -> str:
    return f"{len(findings)} finding{'s' * (len(findings) != 1)}" if findings else "no findings"


def _findings(findings: list[Finding]) -> str:
    if not findings:
        return "<p>No findings.</p>\n"
    rows = []
    for f in findings:
        status = fix_status(f)
        rows.append(
            f'<tr class="finding"><td class="mono">{_text(location(f.path, f.line, f.column))}</td>'
            f'<td><a href="#rule-{f.code}">{f.code}</a> {_text(f.name)}</td>'
            f'<td class="severity-{f.severity}">{f.severity}</td><td class="mono">{_text(f.layer)}</td>'
            f'<td class="mono">{_text(params_change(f))}</td>'
            f'<td>{_text(f.message)}<div class="fix">fix: {_text(f.fix)}</div>'
            + (f'<div class="fix">{_text(status)}</div>' if status else "") + "</td></tr>\n")
    return ("<table>\n<tr><th>location</th><th>rule</th><th>severity</th><th>layer</th>"
            "<th>params before → after (Δ)</th><th>finding</th></tr>\n" + "".join(rows) + "</table>\n")


def _suppressed(result: LintResult) -> str:
    rows = [f'<tr><td class="mono">{_text(location(s.finding.path, s.finding.line, s.finding.column))}</td>'
            f"<td>{s.finding.code} {_text(s.finding.name)}</td><td class=\"mono\">{_text(s.finding.target)}</td>"
            f"<td>{_text(s.finding.message)}</td><td>{_text(s.reason)}</td></tr>\n" for s in result.suppressed]
    return ('<section id="suppressed">\n<h2>Suppressed</h2>\n<table>\n<tr><th>location</th><th>rule</th>'
            "<th>model</th><th>finding</th><th>why not reported</th></tr>\n" + "".join(rows) + "</table>\n</section>\n")


def _drawing(model: ModelSummary, findings: list[Finding], prefix: str, drawer: Drawer | RenderError) -> str:
    """The model's dataflow as inline SVG; ``prefix`` makes its element ids unique in the page."""
    flow = model.dataflow
    if flow is None:
        return '<p class="no-drawing">No drawing: the dataflow of this model was not recorded.</p>\n'
    if isinstance(drawer, RenderError):
        return f'<p class="no-drawing">No drawing: {_text(str(drawer))}.</p>\n'
    marks: dict[str, list[str]] = {}
    for f in findings:
        for layer in f.layers or (f.layer,):
            shown = flow.drawn_as.get(layer)
            if shown and f.code not in marks.setdefault(shown, []):
                marks[shown].append(f.code)
    inputs = " + ".join(shape(s) for s in model.input_shapes) or "?"
    outputs = " + ".join(shape(s) for s in model.output_shapes) or "?"
    try:
        drawing = drawer.lay_out(to_dot(flow, marks, inputs, outputs, prefix, drawer.html_labels))
    except RenderError as exc:
        return f'<p class="no-drawing">No drawing: {_text(str(exc))}.</p>\n'
    boxes = sum(1 for _ in flow.boxes())
    folded = f" ({flow.layers} layers, drawn as {boxes} boxes: repeated and deep modules folded)" \
        if boxes < flow.layers else ""
    return (f'<figure class="drawing">\n{drawing.svg}<figcaption class="summary">dataflow{folded}, '
            f"drawn by {_text(drawing.drawn_by)}</figcaption>\n</figure>\n")


def _rules(result: LintResult) -> str:
    reported = {f.code for f in result.findings}
    rules = [r for r in result.rules if r.code in reported]
    if not rules:
        return ""
    parts = ['<section id="rules">\n<h2>Rules reported</h2>\n']
    for rule in rules:
        parts.append(f'<article class="rule" id="rule-{rule.code}">\n<h3>{rule.code} {_text(rule.name)}</h3>\n'
                     f"<p>Severity: {rule.severity}</p>\n{_markdown(rule.doc)}</article>\n")
    parts.append("</section>\n")
    return "".join(parts)


def _markdown(doc: str) -> str:
    """The Markdown that rule docstrings use: ``##`` headings, fenced code, ``-`` lists and paragraphs."""
    out: list[str] = []
    paragraph: list[str] = []
    code: list[str] | None = None

    def flush() -> None:
        if paragraph and paragraph[0].startswith("- "):
            items = re.split(r"\n(?=- )", "\n".join(paragraph))
            out.append("<ul>\n" + "".join(f"<li>{_inline(item[2:])}</li>\n" for item in items) + "</ul>\n")
        elif paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>\n")
        paragraph.clear()

    for line in [*doc.strip().splitlines(), ""]:
        if code is not None:
            if line.strip() == "```":
                out.append(f"<pre><code>{_text(chr(10).join(code))}</code></pre>\n")
                code = None
            else:
                code.append(line)
        elif line.startswith("```"):
            flush()
            code = []
        elif line.startswith("## "):
            flush()
            out.append(f"<h4>{_inline(line[3:])}</h4>\n")
        elif line.strip():
            paragraph.append(line)
        else:
            flush()
    return "".join(out)


def _inline(text: str) -> str:
    return re.sub(r"``?(.+?)``?", lambda m: f"<code>{m[1]}</code>", _text(text))


def _text(text: str) -> str:
    return html.escape(text, quote=True)
