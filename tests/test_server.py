"""``netlint server`` as an editor sees it: a generic LSP client over stdio opens a model
file, gets the finding at its creation line, hovers it, applies the code action, saves, and
sees the diagnostic cleared; a model that crashes the process that builds it is one
diagnostic at its class line and the server goes on; shutdown and exit end it and its engine."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bench.lsp_client import LspClient

MODEL = textwrap.dedent("""\
    import torch
    from torch import nn


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 16, 3, padding=1)
            self.bn = nn.BatchNorm2d(16)
            self.fc = nn.Linear(16, 10)

        def forward(self, x):
            return self.fc(torch.relu(self.bn(self.conv(x))).mean((2, 3)))
    """)

CRASH = textwrap.dedent("""\
    import ctypes

    from torch import nn


    class Crash(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            ctypes.string_at(0)  # a segmentation fault in native code
            return self.fc(x)
    """)


def _stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state, parent, …), or None when gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def _children(pid: int) -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and (fields := _stat(entry.name)) and int(fields[1]) == pid]


def _alive(pids: list[int]) -> list[int]:
    """The processes among ``pids`` that still run (not zombies)."""
    return [pid for pid in pids if (fields := _stat(pid)) and fields[0] != "Z"]


def _apply(text: str, edits: list[dict]) -> str:
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position: dict) -> int:
        return offsets[position["line"]] + position["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        start, end = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
    return text


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.netlint]\nignore = ['NL401']\n")
    (tmp_path / "model.py").write_text(MODEL)
    (tmp_path / "crash.py").write_text(CRASH)
    return tmp_path


@pytest.fixture
def client(project):
    client = LspClient([sys.executable, "-m", "netlint", "server"], cwd=project)
    result = client.request("initialize", {"processId": os.getpid(), "rootUri": project.as_uri(),
                                           "capabilities": {}})
    assert result["serverInfo"]["name"] == "netlint"
    client.notify("initialized", {})
    yield client
    if client.process.poll() is None:
        client.process.kill()
        client.process.wait()


def _open(client: LspClient, path: Path) -> None:
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": path.as_uri(), "languageId": "python", "version": 1, "text": path.read_text()}})


def test_open_fix_save_clears_the_diagnostic(client, project):
    model = project / "model.py"
    uri = model.as_uri()
    _open(client, model)
    diagnostic, = client.diagnostics(uri)
    assert diagnostic["code"] == "NL102" and diagnostic["source"] == "netlint"
    assert diagnostic["severity"] == 2  # warning
    assert diagnostic["range"]["start"] == {"line": 7, "character": 20}  # self.conv = nn.Conv2d(…)
    assert Path(diagnostic["codeDescription"]["href"].removeprefix("file://")).read_text().count("NL102")

    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": 7, "character": 25}})
    text = hover["contents"]["value"]
    assert "NL102" in text and "448 → 432 (-16)" in text and "bias=False" in text

    action, = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"],
        "context": {"diagnostics": [diagnostic]}})
    assert action["kind"] == "quickfix" and action["isPreferred"] and action["diagnostics"] == [diagnostic]
    fixed = _apply(model.read_text(), action["edit"]["changes"][uri])
    assert "nn.Conv2d(3, 16, 3, padding=1, bias=False)" in fixed
    model.write_text(fixed)
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": fixed}]})
    started = time.monotonic()
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []
    assert time.monotonic() - started < 10  # warm: well under the cold start (bench/perf.py measures it)


def test_a_crashing_model_is_a_diagnostic_and_the_server_goes_on(client, project):
    crash = project / "crash.py"
    _open(client, crash)
    diagnostic, = client.diagnostics(crash.as_uri())
    assert diagnostic["severity"] == 1 and diagnostic["range"]["start"]["line"] == 5  # class Crash
    assert "SIGSEGV" in diagnostic["message"]
    model = project / "model.py"
    _open(client, model)
    assert [d["code"] for d in client.diagnostics(model.as_uri())] == ["NL102"]


def test_shutdown_and_exit_end_the_server_and_its_engine(client, project):
    _open(client, project / "model.py")
    client.diagnostics((project / "model.py").as_uri())
    engines = _children(client.process.pid)
    assert engines, "the server runs its engine in a child process"
    assert client.request("shutdown") is None
    client.notify("exit")
    assert client.process.wait(30) == 0
    deadline = time.monotonic() + 15
    while _alive(engines) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(engines)


def test_a_killed_server_leaves_no_engine_behind(client, project):
    _open(client, project / "model.py")
    client.diagnostics((project / "model.py").as_uri())
    engines = _children(client.process.pid)
    client.process.kill()
    client.process.wait()
    deadline = time.monotonic() + 15
    while _alive(engines) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(engines)
