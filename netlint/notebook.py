"""Jupyter notebooks as model files: the module a notebook's code cells make, and the way back.

The code cells, in order, are the module (``Notebook.text``): each cell's lines, IPython's own
syntax masked so that Python reads the rest and nothing of it runs — a line magic (``%time``),
a shell escape (``!pip install``, ``files = !ls``), a help line (``model?``) becomes ``pass`` at
its indentation; a cell magic whose body is not Python (``%%bash``, ``%%writefile``) and a cell
that only calls ``display()`` become blank lines. A cell that parses as it is keeps every line.
Every cell keeps its line count, so a line of the module is a line of one cell (``position``).

Cells are numbered as they stand in the notebook, markdown cells included (``cell 3`` is the
third cell from the top), lines within a cell from 1.

``write_back`` puts an edited module into the notebook's bytes: only the ``source`` of the cells
whose code changed is replaced, in the JSON style it was written in; outputs, metadata,
execution counts and every other byte stay as they were.
"""

from __future__ import annotations

import ast
import codecs
import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUFFIX = ".ipynb"

# cell magics whose body is Python that IPython runs (timed, captured, profiled): only their first line is masked
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug", "memit"}
_MAGIC = re.compile(r"\s*(?:[%!]|\?)")  # %magic, %%magic, !shell, ?help
_ASSIGNED_MAGIC = re.compile(r"\s*[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*[%!]")  # files = !ls, t = %timeit f()
_HELP = re.compile(r"\s*[\w.]+\s*\?{1,2}\s*$")  # model?, nn.Conv2d??


class NotebookError(UnicodeDecodeError):
    """A ``.ipynb`` file that is not a notebook netlint can read (not JSON, not nbformat 4)."""

    def __init__(self, reason: str) -> None:
        super().__init__("notebook", b"", 0, 1, reason)

    def __str__(self) -> str:
        return self.reason


def is_notebook(path: str | Path) -> bool:
    return str(path).endswith(SUFFIX)


@dataclass(frozen=True)
class Cell:
    number: int  # its place among all the notebook's cells, from 1
    index: int  # its index in the JSON's "cells"
    source: str  # as written
    lines: tuple[str, ...]  # as the module reads them (masked), each ending in "\n"
    first: int  # the module's line of its first line


@dataclass(frozen=True)
class Notebook:
    cells: tuple[Cell, ...]  # the code cells
    text: str  # the module

    def position(self, line: int) -> tuple[int, int] | None:
        """(cell number, line within the cell) of the module's line ``line``."""
        for cell in self.cells:
            if cell.first <= line < cell.first + len(cell.lines):
                return cell.number, line - cell.first + 1
        return None

    def sources_after(self, text: str) -> dict[int, str]:
        """The cells' sources (by cell number) once the module reads ``text``: its changed lines
        put back into their cells, the masked lines (which no edit touches) as written; a cell
        no change touches keeps its source as it is."""
        old = [line for cell in self.cells for line in cell.lines]
        written = [line for cell in self.cells for line in _lines(cell.source)]
        owner = [cell.number for cell in self.cells for _ in cell.lines]
        new = _lines(text)
        lines: dict[int, list[str]] = {cell.number: [] for cell in self.cells}
        touched = set()
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for operation, i1, i2, j1, j2 in matcher.get_opcodes():
            if operation == "equal":
                for i in range(i1, i2):
                    lines[owner[i]].append(written[i])
            elif owner:
                cell = owner[min(i1, len(owner) - 1)]
                lines[cell] += new[j1:j2]
                touched.add(cell)
        sources = {}
        for cell in self.cells:
            source = "".join(lines[cell.number]) if cell.number in touched else cell.source
            if cell.number in touched and not cell.source.endswith("\n") and source.endswith("\n"):
                source = source[:-1]
            sources[cell.number] = source
        return sources


def read_notebook(data: bytes) -> Notebook:
    import nbformat.reader  # (only when a notebook is read)

    try:  # (read as written: no validation, whose warnings would go to the user's terminal)
        document = nbformat.reader.reads(data.decode("utf-8-sig"))
    except Exception as exc:  # noqa: BLE001 (not JSON, not a notebook, an nbformat it does not know)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NotebookError(f"not a notebook: {reason}") from None
    if document.get("nbformat") != 4 or not isinstance(document.get("cells"), list):
        raise NotebookError(f"a notebook of nbformat {document.get('nbformat')}: netlint reads nbformat 4")
    cells, first = [], 1
    for index, cell in enumerate(document.cells):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        lines = tuple(_masked(_lines(source)))
        cells.append(Cell(index + 1, index, source, lines, first))
        first += len(lines)
    return Notebook(tuple(cells), "".join(line for cell in cells for line in cell.lines))


def _lines(source: str) -> list[str]:
    """The cell's lines, each ending in "\\n" (as one file's)."""
    lines = source.replace("\r\n", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line + "\n" for line in lines]


def _masked(lines: list[str]) -> Iterator[str]:
    source = "".join(lines)
    tree = _parsed(source)
    if tree is not None:
        if tree.body and all(_displays(s) for s in tree.body):
            yield from ("\n" for _ in lines)  # a cell that only shows something
        else:
            yield from lines
        return
    first = next((line.strip() for line in lines if line.strip()), "")
    magic = first[2:].split(maxsplit=1)[:1] if first.startswith("%%") else []
    if magic and magic[0] not in _PYTHON_CELL_MAGICS:
        yield from ("\n" for _ in lines)  # %%bash, %%writefile, %%html: not Python
        return
    continued = False
    for line in lines:
        if continued:  # the rest of a magic continued with a backslash
            yield "\n"
        elif _MAGIC.match(line) or _ASSIGNED_MAGIC.match(line) or _HELP.match(line):
            yield line[:len(line) - len(line.lstrip())] + "pass\n"
        else:
            yield line
            continue
        continued = line.rstrip("\n").endswith("\\")


def _parsed(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _displays(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) \
        and isinstance(statement.value.func, ast.Name) and statement.value.func.id == "display"


def write_back(data: bytes, notebook: Notebook, text: str) -> bytes:
    """The notebook's bytes with the cells' sources that ``text`` (the edited module) changed."""
    mark = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    original = data[len(mark):].decode("utf-8")
    sources = notebook.sources_after(text)
    spans = _source_spans(original)
    pieces, at = [], 0
    for cell in notebook.cells:
        if sources[cell.number] == cell.source:
            continue
        start, end = spans[cell.index]
        pieces += [original[at:start], _styled(original, start, end, sources[cell.number])]
        at = end
    return mark + ("".join(pieces) + original[at:]).encode("utf-8")


def _styled(original: str, start: int, end: int, source: str) -> str:
    """``source`` as JSON in the style of the value it replaces (a list of lines or a string,
    indented or not, non-ASCII escaped or not)."""
    old = original[start:end]
    ascii_only = "\\u" in original and not any(ord(c) > 127 for c in original)
    if old.startswith('"'):
        return json.dumps(source, ensure_ascii=ascii_only)
    value = source.splitlines(keepends=True)
    indented = re.search(r"\n([ \t]+)\S", original)  # the file's first indented line: its indent unit
    if "\n" not in old and (old != "[]" or indented is None):
        return json.dumps(value, ensure_ascii=ascii_only)
    line_start = original.rfind("\n", 0, start) + 1
    base = original[line_start:start][:len(original[line_start:start]) - len(original[line_start:start].lstrip())]
    inner = re.search(r"\[[ \t]*\n([ \t]*)\S", old)
    unit = len(inner.group(1)) - len(base) if inner else len(indented.group(1))
    return json.dumps(value, indent=max(unit, 1), ensure_ascii=ascii_only).replace("\n", "\n" + base)


def _source_spans(text: str) -> dict[int, tuple[int, int]]:
    """Where each cell's ``source`` value is in the notebook's JSON text: cell index -> (start, end)."""
    decoder = json.JSONDecoder()
    spans: dict[int, tuple[int, int]] = {}

    def skip(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    def value(i: int, path: tuple) -> int:
        i = skip(i)
        if text[i] == "{":
            i = skip(i + 1)
            while text[i] != "}":
                key, i = json.decoder.scanstring(text, i + 1)
                i = skip(skip(i) + 1)  # the colon
                start = i
                i = value(i, path + (key,))
                if len(path) == 2 and path[0] == "cells" and key == "source":
                    spans[path[1]] = (start, i)
                i = skip(i)
                if text[i] == ",":
                    i = skip(i + 1)
            return i + 1
        if text[i] == "[":
            i, n = skip(i + 1), 0
            while text[i] != "]":
                i = skip(value(i, path + (n,) if path == ("cells",) else path + ("",)))
                n += 1
                if text[i] == ",":
                    i = skip(i + 1)
            return i + 1
        if text[i] == '"':
            return json.decoder.scanstring(text, i + 1)[1]
        return decoder.raw_decode(text, i)[1]

    value(0, ())
    return spans


def file_position(data: bytes, notebook: Notebook, line: int, column: int | None) -> tuple[int, int | None] | None:
    """Where a line (and column, from 1) of the module is in the notebook's JSON text: (line,
    column) of the character in the cell's ``source`` string, as an editor showing the file
    counts them."""
    cell_line = notebook.position(line)
    if cell_line is None:
        return None
    cell = next(c for c in notebook.cells if c.number == cell_line[0])
    text = data.decode("utf-8-sig")
    start, end = _source_spans(text)[cell.index]
    wanted = sum(len(x) for x in _lines(cell.source)[:cell_line[1] - 1]) + (column or 1) - 1
    at, offset = start, None
    while at < end:  # each JSON string of the value: one line of the cell, or all of them
        quote = text.find('"', at, end)
        if quote == -1:
            break
        piece, after = json.decoder.scanstring(text, quote + 1)
        if wanted < len(piece) or after >= end - 1:
            escaped = json.dumps(piece[:wanted], ensure_ascii="\\u" in text[quote:after])[1:-1]
            offset = quote + 1 + len(escaped)
            break
        wanted -= len(piece)
        at = after
    if offset is None:
        return None
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, (offset - line_start + 1 if column else None)


def cell_diffs(shown: str, notebook: Notebook, text: str) -> Iterator[str]:
    """The unified diff of each cell that ``text`` (the edited module) changes, named
    ``shown:cell N``."""
    sources = notebook.sources_after(text)
    for cell in notebook.cells:
        if sources[cell.number] != cell.source:
            yield from difflib.unified_diff(_lines(cell.source), _lines(sources[cell.number]),
                                            fromfile=f"a/{shown}:cell {cell.number}",
                                            tofile=f"b/{shown}:cell {cell.number}")
