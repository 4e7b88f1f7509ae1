"""A minimal LSP client over a subprocess's standard input and output (JSON-RPC with
Content-Length headers), as an editor's generic LSP client speaks to ``netlint server``."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path


class LspClient:
    def __init__(self, command: list[str], cwd: Path, env: dict | None = None) -> None:
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        self.messages: queue.Queue = queue.Queue()
        self.seen: list[dict] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if not line.strip():
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(stream.read(length)))

    def _write(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict | None = None) -> None:
        self._write({"method": method, "params": params})

    def request(self, method: str, params: dict | None = None, timeout: float = 60) -> dict:
        """The response's ``result`` (raises on an error response)."""
        self.next_id += 1
        number = self.next_id
        self._write({"id": number, "method": method, "params": params})
        response = self.wait(lambda m: m.get("id") == number and "method" not in m, timeout)
        assert "error" not in response, response["error"]
        return response.get("result")

    def wait(self, matches, timeout: float = 120) -> dict:
        """The first message not yet taken that ``matches``."""
        for message in self.seen:
            if matches(message):
                self.seen.remove(message)
                return message
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"no matching message in {timeout} s; seen: {self.seen}") from None
            if matches(message):
                return message
            self.seen.append(message)

    def diagnostics(self, uri: str, timeout: float = 180) -> list[dict]:
        message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                            and m["params"]["uri"] == uri, timeout)
        return message["params"]["diagnostics"]
