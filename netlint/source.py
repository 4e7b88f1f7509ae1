"""The text of the user's files, as every part of netlint reads it.

A file is read as Python reads it: its encoding from a byte-order mark or a PEP 263 coding
cookie (UTF-8 otherwise), the mark dropped, CRLF and CR line ends read as LF. ``encode_like``
gives edited text back in the file's own encoding, mark and line ends.

A Jupyter notebook (``.ipynb``) is read as the module its code cells make
(``netlint.notebook``): everything downstream sees Python text, and ``encode_like`` puts an
edited text back into the cells it came from.

``--fix`` verifies an edit before it writes it: inside ``edited({path: text})`` discovery,
imports, tracebacks (linecache), argument search and noqa comments all read the edited
text instead of the file's, in this process and in the workers it forks. Nothing is written.
"""

from __future__ import annotations

import ast
import codecs
import contextlib
import difflib
import functools
import hashlib
import inspect
import io
import linecache
import os
import re
import textwrap
import tokenize
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from netlint.notebook import Notebook, file_position, is_notebook, read_notebook, write_back

_edited: dict[str, str] = {}  # resolved path -> the text netlint reads instead of the file's


def read_source(path: str | Path) -> str:
    if _edited:
        text = _edited.get(str(Path(path).resolve()))
        if text is not None:
            return text
    if is_notebook(path):
        return notebook_at(path).text
    return decode_source(Path(path).read_bytes())


_notebooks: dict[str, tuple[tuple, Notebook]] = {}  # resolved path -> (its version, the notebook)


def notebook_at(path: str | Path) -> Notebook:
    """The notebook at ``path``, read once while it is unchanged. Tracebacks (linecache) show its
    cells' lines rather than its JSON."""
    key, stamp = str(Path(path).resolve()), version(path)
    if key not in _notebooks or _notebooks[key][0] != stamp:
        notebook = read_notebook(Path(path).read_bytes())
        _notebooks[key] = (stamp, notebook)
        stat = os.stat(path)
        for name in {key, str(path)}:
            linecache.cache[name] = (stat.st_size, stat.st_mtime, notebook.text.splitlines(True), name)
    return _notebooks[key][1]


def cell_position(path: str | Path, line: int) -> tuple[int, int] | None:
    """(cell number, line within the cell) of a line of a notebook's module; None for another
    file, or a notebook that cannot be read."""
    if not is_notebook(path):
        return None
    try:
        return notebook_at(path).position(line)
    except (OSError, UnicodeDecodeError):
        return None


def notebook_file_position(path: str | Path, line: int, column: int | None) -> tuple[int, int | None] | None:
    """Where a line of a notebook's module is in the notebook's own (JSON) text: (line, column)."""
    if not is_notebook(path):
        return None
    try:
        return file_position(Path(path).read_bytes(), notebook_at(path), line, column)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, IndexError):
        return None


def text_of(path: str | Path, data: bytes) -> str:
    """The text ``read_source`` gives for a file whose bytes are ``data``."""
    return read_notebook(data).text if is_notebook(path) else decode_source(data)


class SourceEncodingError(UnicodeDecodeError):
    """A file whose coding cookie names no codec Python knows (or contradicts its byte-order mark)."""

    def __init__(self, reason: str) -> None:
        super().__init__("unknown", b"", 0, 1, reason)

    def __str__(self) -> str:
        return self.reason


def source_encoding(data: bytes) -> str:
    """The codec Python reads these bytes with: ``utf-8-sig`` after a byte-order mark."""
    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError as exc:
        if data.startswith(codecs.BOM_UTF8) and exc.msg.startswith("encoding problem"):
            raise SourceEncodingError("its UTF-8 byte-order mark contradicts its coding cookie") from None
        raise SourceEncodingError(str(exc.msg)) from None


def decode_source(data: bytes) -> str:
    text = data.decode(source_encoding(data))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def line_end(data: bytes) -> str:
    """The file's line end: its first line's (LF when it has one line)."""
    end = data.find(b"\n")
    carriage = data.find(b"\r")
    if carriage != -1 and (end == -1 or carriage < end):
        return "\r\n" if data[carriage + 1:carriage + 2] == b"\n" else "\r"
    return "\n"


def encode_for(path: str | Path, original: bytes, text: str) -> bytes:
    """The bytes to write for the edited ``text`` of the file at ``path`` whose bytes were
    ``original``: a notebook's cells' sources edited in place, else ``encode_like``."""
    if is_notebook(path):
        return write_back(original, read_notebook(original), text)
    return encode_like(original, text)


def encode_like(original: bytes, text: str) -> bytes:
    """``text`` (as ``read_source`` gives it) in the encoding and byte-order mark of the file
    whose bytes were ``original``: its unchanged lines keep their own line ends, an edited line
    the end of the line it replaces, a new line the file's first line end."""
    encoding = source_encoding(original)
    old = _LINE.findall(original.decode(encoding))
    new = _LINE.findall(text)
    ends = [line[len(line.rstrip("\r\n")):] for line in old]
    matcher = difflib.SequenceMatcher(None, [line.rstrip("\r\n") + "\n" * bool(end) for line, end in zip(old, ends)],
                                      new, autojunk=False)
    kept = []
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            kept += old[i1:i2]
            continue
        replaced = ends[i1:i2] if i2 - i1 == j2 - j1 else [line_end(original)] * (j2 - j1)
        kept += [line.replace("\n", end or line_end(original)) for line, end in zip(new[j1:j2], replaced)]
    return "".join(kept).encode(encoding)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # (not str.splitlines: a form feed ends no line)


def version(path: str | Path) -> tuple:
    """A key that changes whenever the text ``read_source`` gives changes (for caches)."""
    if _edited:
        text = _edited.get(str(Path(path).resolve()))
        if text is not None:
            return ("edited", hash(text))
    try:
        stat = os.stat(path)
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


_parsed: dict[Path, str] = {}  # every file parsed (resolved) -> text_digest() of the text parsed ("": unreadable)


def parsed(path: str | Path) -> ast.Module | None:
    """The file's module, parsed once while its text is unchanged (an edited file is parsed
    again); None when it cannot be read or parsed."""
    return _parse(str(path), version(path))


@functools.lru_cache(maxsize=4096)
def _parse(path: str, _version: tuple) -> ast.Module | None:
    try:
        text = read_source(path)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):  # (a bad coding cookie)
        _parsed[Path(path).resolve()] = ""
        return None
    _parsed[Path(path).resolve()] = text_digest(text)
    try:
        return ast.parse(text, filename=path)
    except (SyntaxError, ValueError):
        return None


def files_parsed() -> dict[Path, str]:
    """The files this process parsed (``parsed``), each with the digest of the text parsed ("" if
    it could not be read): netlint.cache records them with discovery's scan."""
    return dict(_parsed)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


_COMMENT_LINE = re.compile(r"^[ \t]*#.*$", re.MULTILINE)


def parse_function(function: Callable) -> ast.Module:
    """A function's code parsed, its lines and columns numbered as in its file; comment lines
    emptied first (one at column 0 inside a method, commented-out code, would leave no common
    indentation). Raises OSError, TypeError, SyntaxError or ValueError when it has no code.
    The tree is shared by every caller for the same code: one that rewrites it works on a copy."""
    lines, first = inspect.getsourcelines(function)
    return _parse_function_text("".join(lines), first)


@functools.lru_cache(maxsize=256)
def _parse_function_text(source: str, first: int) -> ast.Module:
    text = _COMMENT_LINE.sub("", source)
    dedented = textwrap.dedent(text)
    tree = ast.parse(dedented)
    indent = len(text) - len(text.lstrip(" \t")) - (len(dedented) - len(dedented.lstrip(" \t")))
    for node in ast.walk(tree):
        if getattr(node, "col_offset", None) is not None and indent:
            node.col_offset += indent
            node.end_col_offset = (node.end_col_offset or 0) + indent
    return ast.increment_lineno(tree, max(first, 1) - 1)


@contextlib.contextmanager
def edited(texts: Mapping[Path, str]) -> Iterator[None]:
    """Read these texts instead of the files at these paths."""
    saved_lines = {}
    for path, text in texts.items():
        key = str(Path(path).resolve())
        _edited[key] = text
        for name in {key, str(path)}:
            saved_lines[name] = linecache.cache.get(name)
            # an entry without a modification time is never checked against the file
            linecache.cache[name] = (len(text), None, text.splitlines(True), name)
    try:
        yield
    finally:
        for path in texts:
            _edited.pop(str(Path(path).resolve()), None)
        for name, entry in saved_lines.items():
            if entry is None:
                linecache.cache.pop(name, None)
            else:
                linecache.cache[name] = entry
