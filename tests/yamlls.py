"""A minimal Language Server Protocol client for yaml-language-server, over stdio.

Enough to open documents and read the diagnostics the server publishes for
them, which is what an editor shows as squiggles.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Any


class YamlLanguageServer:
    """``yaml-language-server --stdio`` with a workspace folder and ``yaml.*`` settings."""

    def __init__(self, executable: str, workspace: Path, settings: dict[str, Any]) -> None:
        self._process = subprocess.Popen(
            [executable, "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self._diagnostics: dict[str, list[dict[str, Any]]] = {}
        self._settings = {"yaml": {"validate": True, "schemaStore": {"enable": False}, **settings}}
        self._next_id = 0
        assert self._process.stdout is not None
        threading.Thread(target=self._read, args=(self._process.stdout,), daemon=True).start()
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": workspace.as_uri(),
                "workspaceFolders": [{"uri": workspace.as_uri(), "name": workspace.name}],
                "capabilities": {"workspace": {"configuration": True}},
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self._settings})

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not line:
                return
            self._messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self._process.stdin is not None
        self._process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self._process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any], timeout: float = 30) -> Any:
        self._next_id += 1
        self._send({"id": self._next_id, "method": method, "params": params})
        return self._pump(lambda m: m.get("id") == self._next_id and "method" not in m, timeout)

    def _pump(self, done: Any, timeout: float) -> Any:
        """Handle messages until one satisfies ``done``; answer the server's own requests."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("yaml-language-server did not answer in time")
            try:
                message = self._messages.get(timeout=remaining)
            except queue.Empty:
                continue
            method = message.get("method")
            if method == "textDocument/publishDiagnostics":
                params = message["params"]
                self._diagnostics[params["uri"]] = params["diagnostics"]
            elif method == "workspace/configuration":
                items = message["params"]["items"]
                section = [self._settings.get(i.get("section", ""), None) for i in items]
                self._send({"id": message["id"], "result": section})
            elif method is not None and "id" in message:
                self._send({"id": message["id"], "result": None})
            if done(message):
                return message.get("result")

    def diagnostics(self, path: Path, timeout: float = 30) -> list[str]:
        """Open ``path`` and return the messages of the diagnostics published for it."""
        uri = path.resolve().as_uri()
        self._diagnostics.pop(uri, None)
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "yaml",
                    "version": 1,
                    "text": path.read_text(encoding="utf-8"),
                }
            },
        )
        self._pump(lambda m: uri in self._diagnostics, timeout)
        return [d["message"] for d in self._diagnostics[uri]]

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=5)
            self.notify("exit", {})
            self._process.wait(timeout=5)
        except (TimeoutError, OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
