"""``# noqa`` comments, read as flake8 reads them.

- ``# noqa: NL201`` (codes or prefixes, case-insensitive, comma- or space-separated) on any
  line of the statement that created the flagged layer suppresses those codes there; a bare
  ``# noqa`` suppresses every code.
- The same comment on the ``class`` (or ``def``) line of a model covers the whole model.
- ``# netlint: noqa`` alone on a line covers every finding in the file and every model the
  file defines (``# netlint: noqa: NL201`` only those codes).
"""

from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
from dataclasses import dataclass

from netlint.rule import Finding
from netlint.source import read_source, version

NOQA = re.compile(r"#\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
FILE_NOQA = re.compile(r"#\s*netlint:\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?\s*$",
                       re.IGNORECASE)
ALL_CODES = ("",)  # a bare noqa: the empty prefix matches every code


@dataclass(frozen=True)
class Noqa:
    """The noqa comments of one source file."""

    by_line: dict[int, tuple[str, ...]]  # line -> code prefixes its noqa comment names
    file_codes: tuple[str, ...] | None  # from "# netlint: noqa", None when there is none
    file_line: int | None
    statements: tuple[tuple[int, int], ...]  # (first, last) line of each statement or header
    definitions: dict[str, tuple[int, int]]  # top-level class/def name -> its header lines

    def statement_of(self, line: int) -> tuple[int, int]:
        """The innermost statement (or compound statement's header) containing the line."""
        around = [s for s in self.statements if s[0] <= line <= s[1]]
        return min(around, key=lambda s: s[1] - s[0], default=(line, line))

    def in_lines(self, first: int, last: int, code: str) -> int | None:
        """The line of a noqa comment within the lines that covers the code, if any."""
        return next((n for n in range(first, last + 1)
                     if n in self.by_line and code.startswith(self.by_line[n])), None)


def noqa_reason(finding: Finding) -> str | None:
    """Why a noqa comment suppresses the finding (``"noqa at model.py:11"``), or None."""
    code = finding.code
    target_path, _, target_name = finding.target.partition("::")
    if finding.path and finding.line:
        comments = _noqa_of(finding.path, version(finding.path))
        if comments is not None:
            if comments.file_codes is not None and code.startswith(comments.file_codes):
                return f"file noqa at {finding.path}:{comments.file_line}"
            line = comments.in_lines(*comments.statement_of(finding.line), code)
            if line is not None:
                return f"noqa at {finding.path}:{line}"
    if target_name:  # "path::Name": the model's own class line, or its file
        comments = _noqa_of(target_path, version(target_path))
        if comments is not None:
            if comments.file_codes is not None and code.startswith(comments.file_codes):
                return f"file noqa at {target_path}:{comments.file_line}"
            header = comments.definitions.get(target_name)
            line = comments.in_lines(*header, code) if header else None
            if line is not None:
                return f"noqa on the definition of {target_name} at {target_path}:{line}"
    return None


@functools.lru_cache(maxsize=None)
def _noqa_of(path: str, _version: tuple) -> Noqa | None:
    try:
        source = read_source(path)
        comments = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
                    if t.type == tokenize.COMMENT]
        tree = ast.parse(source)
    except (OSError, UnicodeDecodeError, SyntaxError, tokenize.TokenError, ValueError):
        return None
    lines = source.splitlines()
    by_line: dict[int, tuple[str, ...]] = {}
    file_codes, file_line = None, None
    for token in comments:
        line = token.start[0]
        alone = not lines[line - 1][:token.start[1]].strip()
        file_match = FILE_NOQA.match(token.string)
        if file_match and alone:
            file_codes, file_line = _codes(file_match["codes"]), line
            continue
        match = NOQA.search(token.string)
        if match:
            by_line[line] = _codes(match["codes"])
    statements = tuple(_span(node) for node in ast.walk(tree) if isinstance(node, ast.stmt))
    definitions = {node.name: _span(node) for node in tree.body
                   if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))}
    return Noqa(by_line, file_codes, file_line, statements, definitions)


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(c.upper() for c in re.split(r"[,\s]+", text) if c) if text else ALL_CODES


_BODY_FIELDS = {"body", "orelse", "finalbody", "handlers", "cases", "decorator_list"}


def _span(node: ast.stmt) -> tuple[int, int]:
    """A simple statement's lines; for a compound statement, its header's lines only."""
    if not any(field in _BODY_FIELDS for field in node._fields):
        return node.lineno, node.end_lineno or node.lineno
    end = node.lineno
    for name, value in ast.iter_fields(node):
        if name in _BODY_FIELDS:
            continue
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, ast.AST) and getattr(child, "end_lineno", None):
                end = max(end, child.end_lineno)
    return node.lineno, end
