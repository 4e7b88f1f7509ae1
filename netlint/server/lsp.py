"""``netlint server``: a language server (LSP over standard input and output, on pygls).

When a Python file is opened or saved, netlint lints it as ``netlint --output-format json
FILE`` would, run from the folder of its ``[tool.netlint]`` (so the workspace's config
applies), in a child of the server's own warm engine (netlint.server.engine, started when
the client initializes): torch stays imported between saves, a crash in user code ends
only that child, and no user module is reused by the next lint. Findings become
diagnostics at their creation lines; a model that cannot be analyzed is one diagnostic at
its class line; hover shows what a fix does to the parameter count; code actions apply
the edits ``netlint --fix`` would make.

A Jupyter notebook (LSP 3.17 notebook documents: ``notebookDocument/didOpen``, ``didSave``)
is linted the same way, as saved; each finding is published on its cell's document, at its
line within the cell (the report's ``cell`` is the cell's place in the notebook, which is
its place in the notebook document's cells). Hover and code actions work in the cells.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import click
from lsprotocol import types
from pygls.lsp.server import LanguageServer

from netlint import __version__
from netlint.server.client import NotTaken, project_root, run_on
from netlint.source import read_source

SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
            "note": types.DiagnosticSeverity.Information}
ENGINE_READY_WITHIN = 300.0  # seconds to import torch and warm up, on a busy machine


class EngineProcess:
    """The server's warm engine (netlint.server.engine), a process of its own, restarted
    if it dies or no longer matches the installed netlint."""

    def __init__(self) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="netlint-server-")
        self.path = Path(self.folder.name) / "engine.sock"
        self.process: subprocess.Popen | None = None
        self.root = Path.cwd()

    def start(self, root: Path) -> None:
        self.root = root
        self.process = subprocess.Popen(
            [sys.executable, "-m", "netlint.server.engine", str(self.path), str(root), str(os.getpid())], cwd=root,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)

    def lint(self, argv: list[str], cwd: Path) -> tuple[int, str, str]:
        """Exit code, standard output and standard error of ``netlint ARGV`` run in ``cwd``."""
        for _ in range(2):
            answer = self._request(argv, cwd)
            if answer is not None:
                return answer
            self.stop()  # it died or no longer matches the installed netlint: a new one
            self.start(self.root)
        return 2, "", "netlint server: its engine did not answer"

    def _request(self, argv: list[str], cwd: Path) -> tuple[int, str, str] | None:
        deadline = time.monotonic() + ENGINE_READY_WITHIN
        while not self.path.is_socket():
            if self.process is None or self.process.poll() is not None or time.monotonic() > deadline:
                return None
            time.sleep(0.05)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, open(os.devnull, "rb") as nothing:
            try:
                code = run_on(self.path, argv, cwd, (nothing.fileno(), out.fileno(), err.fileno()), timeout=None)
            except NotTaken:
                return None
            if code is None:
                return None
            out.seek(0), err.seek(0)
            return code, out.read().decode(), err.read().decode()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()


# notebooks whose cells are Python, their diagnostics refreshed on save as files' are
NOTEBOOK_SYNC = types.NotebookDocumentSyncOptions(
    notebook_selector=[types.NotebookDocumentFilterWithCells(cells=[types.NotebookCellLanguage("python")],
                                                             notebook="jupyter-notebook")],
    save=True)


class NetlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("netlint", __version__, notebook_document_sync=NOTEBOOK_SYNC)
        self.engine = EngineProcess()
        self.reports: dict[str, tuple[int | None, list[dict]]] = {}  # uri -> (version linted, its findings)
        self.lints: dict[str, int] = {}  # uri -> the number of the newest lint asked for


server = NetlintServer()


def _path(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path))


def _run_folder(path: Path) -> Path:
    """Where ``netlint`` runs for the file: its ``[tool.netlint]`` folder, else its project's."""
    from netlint.config import find_config

    config = find_config(path.parent)
    return config.parent if config else project_root(path.parent)


@server.feature(types.INITIALIZED)
def initialized(ls: NetlintServer, params: types.InitializedParams) -> None:
    root = ls.workspace.root_path
    ls.engine.start(Path(root) if root else Path.cwd())


@server.feature(types.SHUTDOWN)
def shutdown(ls: NetlintServer, params: None) -> None:
    ls.engine.stop()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: NetlintServer, params: types.DidOpenTextDocumentParams) -> None:
    await _lint(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: NetlintServer, params: types.DidSaveTextDocumentParams) -> None:
    await _lint(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: NetlintServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.reports.pop(params.text_document.uri, None)
    ls.lints.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(params.text_document.uri, []))


@server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
async def notebook_did_open(ls: NetlintServer, params: types.DidOpenNotebookDocumentParams) -> None:
    await _lint(ls, params.notebook_document.uri)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
async def notebook_did_save(ls: NetlintServer, params: types.DidSaveNotebookDocumentParams) -> None:
    await _lint(ls, params.notebook_document.uri)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
def notebook_did_close(ls: NetlintServer, params: types.DidCloseNotebookDocumentParams) -> None:
    ls.lints.pop(params.notebook_document.uri, None)
    for cell in params.cell_text_documents:
        ls.reports.pop(cell.uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(cell.uri, []))


async def _lint(ls: NetlintServer, uri: str) -> None:
    """Lint the file or notebook as saved; publish only if no newer lint of it was asked for meanwhile."""
    path = _path(uri)
    if path.suffix not in (".py", ".ipynb") or not path.is_file():
        return
    number = ls.lints[uri] = ls.lints.get(uri, 0) + 1
    documents = _documents(ls, uri)  # a file's one document, or a notebook's Python cells
    if not documents:
        return
    versions = {document: ls.workspace.get_text_document(document).version for document in documents}
    folder = _run_folder(path)
    code, out, err = await asyncio.to_thread(ls.engine.lint, ["check", "--output-format", "json", str(path)], folder)
    if ls.lints.get(uri) != number:
        return
    try:
        report = json.loads(out)
    except ValueError:  # a bad config or a crash: netlint said why on its standard error
        message = (err.strip().splitlines() or [f"netlint exited with {code}"])[-1]
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, message))
        return
    resolved = path.resolve()
    findings = [f for f in report["findings"] if f["path"] and (folder / f["path"]).resolve() == resolved]
    errors = [e for e in report["errors"] if e["path"] and (folder / e["path"]).resolve() == resolved]
    for finding in findings:
        finding["edits"] = [{**e, "path": str((folder / e["path"]).resolve())} for e in finding["edits"]]
    sources = {rule["code"]: rule["source"] for rule in report.get("rules", [])}
    by_number = {n: document for document, n in documents.items()}
    first = next(iter(documents))
    mine: dict[str, list[dict]] = {document: [] for document in documents}
    problems: dict[str, list[dict]] = {document: [] for document in documents}
    for finding in findings:
        mine[by_number.get(finding.get("cell", 1), first)].append(finding)
    for error in errors:  # (one without a line, or of a cell the client does not show: on the first)
        document = by_number.get(error.get("cell", 1))
        problems[document or first].append(error if document else {**error, "line": 1})
    for document in documents:
        ls.reports[document] = (versions[document], mine[document])
        diagnostics = [_diagnostic(ls, document, f, sources.get(f["code"])) for f in mine[document]] + \
                      [_problem(ls, document, e) for e in problems[document]]
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(document, diagnostics, versions[document]))


def _documents(ls: NetlintServer, uri: str) -> dict[str, int]:
    """The text documents of the file: itself (1), or each Python cell of the notebook (with its
    place in the notebook, as reports number cells)."""
    notebook = ls.workspace.get_notebook_document(notebook_uri=uri)
    if notebook is None:  # (a notebook opened as text has no cells to show its findings on)
        return {} if uri.endswith(".ipynb") else {uri: 1}
    return {cell.document: number for number, cell in enumerate(notebook.cells, 1)
            if cell.kind == types.NotebookCellKind.Code}


def _lines(ls: NetlintServer, path: str) -> list[str]:
    uri = path if ":" in path and not Path(path).exists() else Path(path).as_uri()  # (a notebook cell's uri)
    if uri in ls.workspace.text_documents:
        return ls.workspace.get_text_document(uri).lines
    try:
        return read_source(path).splitlines(keepends=True)
    except (OSError, UnicodeDecodeError):
        return []


def _range(ls: NetlintServer, path: str, line: int, column: int, end_line: int | None = None,
           end_column: int | None = None) -> types.Range:
    """An LSP range (0-based, in the client's units) from netlint's 1-based characters; with
    no end, to the end of the line."""
    lines = _lines(ls, path)
    start = types.Position(line - 1, column - 1)
    if end_line is None:
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        end = types.Position(line - 1, len(text.rstrip("\r\n")))
    else:
        end = types.Position(end_line - 1, end_column - 1)
    return ls.workspace.position_codec.range_to_client_units(lines, types.Range(start, end))


def _where(uri: str) -> str:
    """The path ``_lines`` reads a document by: a file's path, a notebook cell's uri."""
    return str(_path(uri)) if uri.startswith("file:") else uri


def _diagnostic(ls: NetlintServer, uri: str, finding: dict, source: str | None) -> types.Diagnostic:
    return types.Diagnostic(
        range=_range(ls, _where(uri), finding["line"] or 1, finding["column"] or 1),
        message=finding["message"], severity=SEVERITY.get(finding["severity"]), code=finding["code"],
        source="netlint", data=finding["code"],
        code_description=types.CodeDescription(Path(source).as_uri()) if source else None)


def _problem(ls: NetlintServer, uri: str, error: dict) -> types.Diagnostic:
    return types.Diagnostic(range=_range(ls, _where(uri), error["line"] or 1, 1),
                            message=f"netlint could not analyze {error['target']}: {error['message']}",
                            severity=types.DiagnosticSeverity.Error, source="netlint")


def _current(ls: NetlintServer, uri: str) -> list[dict]:
    """The findings of the last lint, if the document has not changed since."""
    version, findings = ls.reports.get(uri, (None, []))
    return findings if ls.workspace.get_text_document(uri).version == version else []


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: NetlintServer, params: types.HoverParams) -> types.Hover | None:
    here = [f for f in _current(ls, params.text_document.uri) if f["line"] == params.position.line + 1]
    if not here:
        return None
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(map(_explain, here))))


def _explain(finding: dict) -> str:
    parts = [f"**{finding['code']} {finding['name']}** ({finding['severity']}, layer `{finding['layer']}`)",
             finding["message"]]
    if finding["fix"]:
        parts.append(f"**Fix:** {finding['fix']}")
    if finding["params_before"] is not None:
        delta = finding["params_delta"]
        parts.append(f"**Parameters:** {finding['params_before']:,} → {finding['params_after']:,} "
                     f"({'+' if delta > 0 else ''}{delta:,})")
    if finding["fix_applicability"]:
        parts.append(f"{finding['fix_applicability'].capitalize()} fix available as a code action "
                     f"(`netlint --fix{' --unsafe-fixes' * (finding['fix_applicability'] == 'unsafe')}`).")
    elif finding["fix_unavailable"]:
        parts.append(f"No automatic fix: {finding['fix_unavailable']}.")
    return "\n\n".join(parts)


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
def code_action(ls: NetlintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    first, last = params.range.start.line + 1, params.range.end.line + 1
    actions = []
    for finding in _current(ls, params.text_document.uri):
        if not (first <= (finding["line"] or 0) <= last and finding["fix_applicability"] and finding["edits"]):
            continue
        changes: dict[str, list[types.TextEdit]] = {}
        for e in finding["edits"]:
            start, end = e["range"]["start"], e["range"]["end"]
            document = Path(e["path"]).as_uri()
            if "cell" in start:  # a notebook's: on its cell's document
                document = next((d for d, n in _documents(ls, document).items() if n == start["cell"]), document)
            changes.setdefault(document, []).append(types.TextEdit(
                _range(ls, _where(document), start["line"], start["column"], end["line"], end["column"]),
                e["new_text"]))
        unsafe = " (unsafe: changes what the model computes)" * (finding["fix_applicability"] == "unsafe")
        actions.append(types.CodeAction(
            title=f"{finding['code']}: {finding['fix'] or 'apply the fix'}{unsafe}", kind=types.CodeActionKind.QuickFix,
            diagnostics=[d for d in params.context.diagnostics if d.code == finding["code"]
                         and d.range.start.line + 1 == finding["line"]],
            edit=types.WorkspaceEdit(changes=changes), is_preferred=finding["fix_applicability"] == "safe"))
    return actions


@click.command("server")
def server_command() -> None:
    """Run the language server on standard input and output (for editors)."""
    try:
        server.start_io()
    finally:
        server.engine.stop()
