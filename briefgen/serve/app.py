"""The preview server: a :class:`~briefgen.serve.watch.Watcher`, the pages and a threaded
HTTP server; :func:`serve_until_signal` runs it until Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path

from briefgen.errors import BriefgenError
from briefgen.project.load import find_root
from briefgen.serve.guard import allowed_hosts
from briefgen.serve.http import App, make_handler, make_pages_environment
from briefgen.serve.pdfjobs import MemoryPdfCache, PdfCache, PdfMaker, render_page_pdf
from briefgen.serve.preview import Log, Preview, ServeOptions
from briefgen.serve.watch import Watcher


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class PreviewServer:
    """Serve ``target`` (a data root or one meeting folder) until :meth:`stop`."""

    def __init__(
        self,
        target: Path,
        options: ServeOptions,
        log: Log | None = None,
        pdf_cache: PdfCache | None = None,
    ) -> None:
        root, folders = find_root(target)
        self.root = root.resolve()
        folders = [folder.resolve() for folder in folders] if folders is not None else None
        self.options = options
        self._log: Log = log or (lambda message: None)
        self.preview = Preview(self.root, folders, options, self._log)
        template_dir = self.preview.template_dir.resolve()
        cache = pdf_cache if pdf_cache is not None else MemoryPdfCache()
        renderer = render_page_pdf(self.root, template_dir, options.book.timeout)
        self.pdfs = PdfMaker(cache, renderer)
        self.watcher = Watcher([self.root, template_dir], self.preview.on_change)
        self._http: _Server | None = None
        self._thread: threading.Thread | None = None
        self._app: App | None = None

    @property
    def url(self) -> str:
        assert self._http is not None
        host = self.options.host
        if host in ("", "0.0.0.0", "::"):
            host = "127.0.0.1"
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self._http.server_port}/"

    def start(self) -> None:
        """Bind, start watching, build every page once, then answer requests."""
        host = self.options.host
        server_class = _Server6 if ":" in host else _Server
        allowed = allowed_hosts(host, self.options.allow_hosts)
        request_log = self._log if self.options.verbosity > 0 else None
        self._app = App(
            self.preview,
            self.pdfs,
            make_pages_environment(),
            allowed,
            public_roots=(self.root, self.preview.template_dir.resolve()),
            request_log=request_log,
        )
        try:
            self._http = server_class((host, self.options.port), make_handler(self._app))
        except OSError as exc:
            self.pdfs.stop()
            raise BriefgenError(
                f"cannot listen on {host}:{self.options.port} ({exc.strerror or exc}); "
                "choose another port with --port"
            ) from exc
        self.watcher.start()
        self.preview.rebuild_all()
        self._thread = threading.Thread(
            target=self._http.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="briefgen-http",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop answering, end the event streams, stop the watcher and the PDF thread."""
        if self._app is not None:
            self._app.stopping.set()
        self.preview.close()
        if self._http is not None and self._thread is not None:
            self._http.shutdown()
            self._thread.join(5)
        if self._http is not None:
            self._http.server_close()
        self.watcher.stop()
        self.pdfs.stop()

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_until_signal(server: PreviewServer, on_start: Callable[[], None] | None = None) -> None:
    """Run ``server`` until SIGINT (Ctrl-C) or SIGTERM, then stop it cleanly."""
    stop = threading.Event()

    def request_stop(_signum: int, _frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
        if on_start is not None:
            on_start()
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
