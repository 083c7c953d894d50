"""HTTP for the preview: a fixed set of routes, strict headers, the reload event stream.

One event stream serves every open tab of a browser: the pages connect to a
``SharedWorker`` (:data:`WORKER`) that holds the only stream, so any number of
tabs stays within the browser's six connections per host.  The server speaks
HTTP/1.1 with keep-alive, so the pages' own requests reuse connections too.

No URL is ever mapped onto a file path, so nothing outside the served books
can be reached however the path is spelled.  The small reload script is
added to the response only, never to the book, and runs under a strict
Content-Security-Policy with a fresh nonce.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup

from briefgen.errors import display_path
from briefgen.project.themes import builtin_templates
from briefgen.serve.guard import host_allowed, redact_paths, same_origin
from briefgen.serve.pdfjobs import PdfMaker
from briefgen.serve.preview import Page, Preview

#: URL prefix of the server's own endpoints; meeting ids cannot start with "_".
INTERNAL = "_briefgen"
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
#: Seconds between keep-alive comments on an idle event stream.
HEARTBEAT = 15.0
#: The one event stream: every channel's version, at once and at every change.
EVENTS = f"/{INTERNAL}/events"
#: The shared worker that holds :data:`EVENTS` for all the tabs of a browser.
WORKER = f"/{INTERNAL}/reload-worker.js"
#: Seconds an idle keep-alive connection stays open.
IDLE_TIMEOUT = 60


def parse_route(raw: str) -> tuple[str, ...] | None:
    """The path segments of a request target, or ``None`` for anything but a plain safe path.

    Decoding happens once; a segment must be a plain name afterwards, so
    ``..``, ``%2e%2e``, ``%252e``, backslashes, NUL, empty segments in the
    middle and absolute-form targets are all refused.  The query is ignored.
    """
    target = urlsplit(raw)
    if target.scheme or target.netloc or not target.path.startswith("/"):
        return None
    try:
        path = unquote(target.path, errors="strict")
    except UnicodeDecodeError:
        return None
    segments = path.split("/")[1:]
    if segments and segments[-1] == "":
        segments = segments[:-1]
        trailing = True
    else:
        trailing = False
    if not all(_SEGMENT.fullmatch(s) for s in segments):
        return None
    return (*segments, "") if trailing and segments else tuple(segments)


def style_hashes(html: str) -> list[str]:
    """CSP sources allowing exactly the ``<style>`` blocks in ``html``."""
    return [
        "'sha256-{}'".format(
            base64.b64encode(hashlib.sha256(m.group(1).encode("utf-8")).digest()).decode()
        )
        for m in _STYLE_BLOCK.finditer(html)
    ]


def content_security_policy(html: str, nonce: str, *, frames: bool = False) -> str:
    """Only the response's own nonced script runs; only the page's own ``<style>`` blocks apply.

    ``style`` attributes stay allowed (an SVG drawing may use them, and the page
    must look like the PDF); they cannot run code, and user text never reaches them.
    The only worker is the server's own reload worker; ``frames`` lets the PDF
    page show the server's PDF in a frame.
    """
    styles = " ".join(dict.fromkeys(style_hashes(html))) or "'none'"
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'nonce-{nonce}'",
            f"style-src {styles}",
            "style-src-attr 'unsafe-inline'",
            "img-src data:",
            "font-src data:",
            "connect-src 'self'",
            "worker-src 'self'",
            "frame-src 'self'" if frames else "frame-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def inject_before_body_end(html: str, snippet: str) -> str:
    """``html`` with ``snippet`` before its last ``</body>`` (or at the end); plain strings only."""
    html, snippet = str(html), str(snippet)
    at = html.lower().rfind("</body>")
    return html + snippet if at < 0 else html[:at] + snippet + html[at:]


def make_pages_environment() -> jinja2.Environment:
    """Templates of the server's own pages (index, problems, PDF, reload script and worker)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(builtin_templates() / "serve")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass
class App:
    """Everything a request handler needs; one per server, nothing global."""

    preview: Preview
    pdfs: PdfMaker
    pages_env: jinja2.Environment
    allowed_hosts: frozenset[str]
    #: Folders whose paths a message may show relative to; any other path shows its name only.
    public_roots: tuple[Path, ...] = ()
    stopping: threading.Event = field(default_factory=threading.Event)
    #: Where each request is reported (``serve --verbose``); ``None``: nowhere.
    request_log: Callable[[str], None] | None = None


def make_handler(app: App) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to ``app``."""

    class Handler(PreviewHandler):
        pass

    Handler.app = app
    return Handler


class PreviewHandler(BaseHTTPRequestHandler):
    """Routes: ``/``, ``/<id>/``, ``/<id>/book.html``, ``/<id>/pdf``, ``/<id>/book.pdf``,
    ``/_briefgen/events``, ``/_briefgen/reload-worker.js``, ``/_briefgen/pdf/<id>``.
    Everything else is 404."""

    app: App
    server_version = "briefgen"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet unless ``serve --verbose``: the terminal shows rebuilds, not every request."""
        if self.app.request_log is not None:
            self.app.request_log(f"{time.strftime('%H:%M:%S')} {format % args}")

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route()

    def _route(self) -> None:
        if not self._host_allowed():
            self._text(HTTPStatus.FORBIDDEN, "Forbidden: unexpected Host header.\n")
            return
        route = parse_route(self.path)
        preview = self.app.preview
        match route:
            case ():
                self._index()
            case (a, "events") if a == INTERNAL:
                self._events()
            case (a, "reload-worker.js") if a == INTERNAL:
                self._worker()
            case (a, "pdf", meeting_id) if a == INTERNAL and (page := preview.page(meeting_id)):
                self._pdf_status(page)
            case (meeting_id,) if preview.page(meeting_id):
                self._redirect(f"/{meeting_id}/")
            case (meeting_id, "" | "book.html") if page := preview.page(meeting_id):
                self._book(page)
            case (meeting_id, "pdf") if page := preview.page(meeting_id):
                self._pdf_progress(page)
            case (meeting_id, "book.pdf") if page := preview.page(meeting_id):
                self._pdf(page)
            case _:
                self._text(HTTPStatus.NOT_FOUND, "Not found.\n")

    def _host_allowed(self) -> bool:
        return host_allowed(self.headers.get("Host", ""), self.app.allowed_hosts)

    def _cross_site(self) -> bool:
        """Refuse (403) a request that would start work but does not come from the preview."""
        if same_origin(self.headers):
            return False
        self._text(HTTPStatus.FORBIDDEN, "Forbidden: PDFs are made for the preview's own pages.\n")
        return True

    def _public(self, text: str) -> str:
        return redact_paths(text, self.app.public_roots)

    # -- responses

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self._common_headers()
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _common_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        # No other site may frame any answer; the PDF only the preview's own PDF page.
        framing = "SAMEORIGIN" if self._framed_by_self else "DENY"
        self.send_header("X-Frame-Options", framing)

    _framed_by_self = False

    def _text(self, status: HTTPStatus, text: str) -> None:
        body = self._public(text).encode("utf-8")
        policy = {"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}
        self._send(status, body, "text/plain; charset=utf-8", policy)

    def _redirect(self, location: str) -> None:
        self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", {"Location": location})

    def _html(
        self, html: str, nonce: str, version: int | None = None, *, frames: bool = False
    ) -> None:
        headers = {"Content-Security-Policy": content_security_policy(html, nonce, frames=frames)}
        if version is not None:
            headers["X-Briefgen-Version"] = str(version)
        self._send(HTTPStatus.OK, html.encode("utf-8"), "text/html; charset=utf-8", headers)

    def _reload_script(self, channel: str, version: int | None, nonce: str, book: bool) -> Markup:
        template = self.app.pages_env.get_template("reload.html.j2")
        return Markup(
            template.render(
                nonce=nonce,
                events=EVENTS,
                worker=WORKER,
                channel=channel,
                version=version,
                book=book,
            )
        )

    def _page(
        self, name: str, channel: str, version: int | None, frames: bool = False, **context: Any
    ) -> None:
        nonce = secrets.token_urlsafe(16)
        script = self._reload_script(channel, version, nonce, book=False)
        template = self.app.pages_env.get_template(name)
        html = template.render(reload_script=script, nonce=nonce, **context)
        self._html(html, nonce, version, frames=frames)

    # -- routes

    def _index(self) -> None:
        preview = self.app.preview
        self._page(
            "index.html.j2",
            "",
            preview.version(""),
            pages=preview.pages(),
            root=display_path(preview.root, preview.root.parent),
        )

    def _book(self, page: Page) -> None:
        if page.html is None:
            shown = dataclasses.replace(page, problems=tuple(map(self._public, page.problems)))
            self._page("problems.html.j2", page.id, page.version, page=shown)
            return
        nonce = secrets.token_urlsafe(16)
        script = self._reload_script(page.id, page.version, nonce, book=True)
        nav = self.app.pages_env.get_template("book-nav.html.j2").render(page=page)
        self._html(inject_before_body_end(page.html, nav + str(script)), nonce, page.version)

    def _pdf_progress(self, page: Page) -> None:
        status = f"/{INTERNAL}/pdf/"
        self._page("pdf.html.j2", page.id, page.version, frames=True, page=page, status=status)

    def _worker(self) -> None:
        script = self.app.pages_env.get_template("reload-worker.js").render(events=EVENTS)
        policy = {
            "Content-Security-Policy": (
                "default-src 'none'; connect-src 'self'; frame-ancestors 'none'"
            )
        }
        self._send(HTTPStatus.OK, script.encode(), "text/javascript; charset=utf-8", policy)

    def _pdf_status(self, page: Page) -> None:
        if self._cross_site():
            return
        if page.html is None:
            status: dict[str, Any] = {
                "state": "invalid",
                "error": "The data has errors; fix them first.",
            }
        else:
            status = self.app.pdfs.request(page).status()
            if status.get("error"):
                status["error"] = self._public(str(status["error"]))
        policy = {"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}
        body = json.dumps(status).encode()
        self._send(HTTPStatus.OK, body, "application/json; charset=utf-8", policy)

    def _pdf(self, page: Page) -> None:
        if self._cross_site():
            return
        if page.html is None:
            self._text(
                HTTPStatus.CONFLICT,
                "The book has errors, so there is no PDF; fix them first:\n"
                + "\n".join(page.problems)
                + "\n",
            )
            return
        job = self.app.pdfs.request(page)
        while not job.done.wait(0.5):
            if self.app.stopping.is_set():
                self._text(HTTPStatus.SERVICE_UNAVAILABLE, "The server is stopping.\n")
                return
        pdf = self.app.pdfs.result(job)
        if pdf is None:
            self._text(HTTPStatus.INTERNAL_SERVER_ERROR, f"The PDF failed: {job.error}\n")
            return
        disposition = f'inline; filename="{page.id}.pdf"'
        headers = {
            "Content-Disposition": disposition,
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'",
        }
        self._framed_by_self = True
        self._send(HTTPStatus.OK, pdf, "application/pdf", headers)

    def _events(self) -> None:
        """Server-sent events: every channel's version now, then at every change.

        The stream has no length, so it ends the connection when it ends.
        """
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Connection", "close")
        self._common_headers()
        self.end_headers()
        if self.command == "HEAD":
            return
        preview = self.app.preview
        seen: int | None = -1
        self.wfile.write(b"retry: 300\n\n")
        while not self.app.stopping.is_set() and not preview.closed:
            version = preview.version("")
            if version != seen:
                seen = version
                self.wfile.write(f"data: {json.dumps(preview.versions())}\n\n".encode())
            else:
                self.wfile.write(b": ping\n\n")
            self.wfile.flush()
            preview.wait("", seen, HEARTBEAT)
