"""Drive headless Chromium over the DevTools protocol, for tests and benchmarks.

Only what the tests need: open a tab, navigate, evaluate JavaScript and wait
for a condition.  Chromium runs with its own throw-away profile and every
background service off (this machine has no network; without the flags its
connection attempts are refused and slow it down).  :meth:`Browser.close`
ends the process group even when a test failed half-way.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import websocket

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]


class BrowserError(RuntimeError):
    pass


class Browser:
    """One Chromium process and a DevTools connection to it."""

    def __init__(self, executable: str, *, timeout: float = 30.0) -> None:
        self._profile = tempfile.TemporaryDirectory(prefix="briefgen-chromium-")
        self._ids = itertools.count(1)
        self._process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            port, path = self._wait_for_port(timeout)
            self._socket = websocket.create_connection(
                f"ws://127.0.0.1:{port}{path}", timeout=timeout, suppress_origin=True
            )
        except BaseException:
            self.close()
            raise

    def _wait_for_port(self, timeout: float) -> tuple[int, str]:
        marker = Path(self._profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise BrowserError(f"chromium exited with code {self._process.returncode}")
            try:
                lines = marker.read_text(encoding="utf-8").split()
            except OSError:
                lines = []
            if len(lines) >= 2:
                return int(lines[0]), lines[1]
            time.sleep(0.05)
        raise BrowserError("chromium did not open its DevTools port in time")

    def send(self, method: str, params: dict[str, Any] | None = None, **extra: Any) -> Any:
        """Send one command and return its result (events arriving meanwhile are dropped)."""
        number = next(self._ids)
        self._socket.send(
            json.dumps({"id": number, "method": method, "params": params or {}, **extra})
        )
        while True:
            message = json.loads(self._socket.recv())
            if message.get("id") == number:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})

    def new_tab(self, width: int = 1200, height: int = 900) -> Tab:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        tab = Tab(self, session["sessionId"])
        tab.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        return tab

    def open_previews(self, base: str, paths: list[str], timeout: float = 30) -> list[Tab]:
        """A small tab per path of ``briefgen serve`` at ``base``, each loaded, a PDF page's
        (path ending in ``pdf``) once its PDF is shown."""
        tabs = []
        for path in paths:
            tab = self.new_tab(800, 600)
            tab.navigate(base + path, timeout=timeout)
            tabs.append(tab)
        for tab, path in zip(tabs, paths, strict=True):
            if path.endswith("pdf"):
                tab.wait_for("!document.getElementById('pdf-frame').hidden", 120)
        return tabs

    def close(self) -> None:
        socket = getattr(self, "_socket", None)
        if socket is not None:
            with contextlib.suppress(Exception):
                socket.close()
        if self._process.poll() is None:
            try:
                os.killpg(self._process.pid, signal.SIGTERM)
                self._process.wait(5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait(5)
        self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Tab:
    """One page, addressed through its flattened DevTools session."""

    def __init__(self, browser: Browser, session: str) -> None:
        self._browser = browser
        self._session = session

    def send(self, method: str, params: dict[str, Any] | None = None) -> Any:
        return self._browser.send(method, params, sessionId=self._session)

    def navigate(self, url: str, timeout: float = 15.0) -> None:
        self.send("Page.navigate", {"url": url})
        self.wait_for(
            "document.readyState === 'complete' && location.href !== 'about:blank'", timeout
        )

    def evaluate(self, expression: str) -> Any:
        """The value of ``expression``, or ``None`` while the page is between documents."""
        try:
            result = self.send(
                "Runtime.evaluate", {"expression": expression, "returnByValue": True}
            )
        except BrowserError:
            return None
        if "exceptionDetails" in result:
            return None
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 5.0, interval: float = 0.01) -> Any:
        """Poll ``expression`` until it is truthy; return its value or raise on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"still false after {timeout} s: {expression}")
            time.sleep(interval)

    def note_when(self, condition: str) -> None:
        """From now on, note (browser clock, ms) when the page in place first makes
        ``condition``, a JavaScript expression, true; read it with :meth:`noted_at`."""
        self.evaluate(_NOTE_WHEN.replace("CONDITION", condition))

    def noted_at(self) -> float:
        """When :meth:`note_when`'s condition came true (ms since the epoch): as noted in
        place, or else when the document loaded (a page that reloaded lost the observer)."""
        return float(self.evaluate(_NOTED_AT))

    def text(self) -> str:
        return str(self.evaluate("document.body ? document.body.innerText : ''") or "")

    def screenshot(self, path: Path) -> None:
        import base64

        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))


#: Installed by :meth:`Tab.note_when`: a MutationObserver that notes when CONDITION holds.
_NOTE_WHEN = """
window.__briefgenNoted = null;
new MutationObserver(function () {
  if (window.__briefgenNoted === null && (CONDITION)) { window.__briefgenNoted = Date.now(); }
}).observe(document.documentElement, {subtree: true, childList: true, characterData: true});
"""
_NOTED_AT = """(function () {
  if (window.__briefgenNoted) { return window.__briefgenNoted; }
  var nav = performance.getEntriesByType("navigation")[0];
  return performance.timeOrigin + (nav ? nav.domContentLoadedEventEnd : 0);
})()"""
