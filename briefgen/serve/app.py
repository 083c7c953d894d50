"""Live preview: serve the books, rebuild on every save, reload open pages.

The pieces, from the file system to the browser:

* :class:`Preview` holds what is shown for each meeting (a :class:`Page`: the
  book's HTML, or the located problems that stop it) and rebuilds the pages a
  change touches (:func:`affected_meetings`).  Books are rendered in memory
  exactly as ``build`` renders them; nothing is written to disk.
* :class:`PdfMaker` lays out PDFs on demand in one background thread and keeps
  the last ones in a :class:`PdfCache` keyed by the HTML they came from.
* :func:`make_handler` answers HTTP requests from a fixed set of routes; no
  URL is ever mapped onto a file path, so nothing outside the served books
  can be reached however the path is spelled.  The small reload script is
  added to the response only, never to the book, and runs under a strict
  Content-Security-Policy with a fresh nonce.
* :class:`PreviewServer` ties them to a :class:`~briefgen.serve.watch.Watcher` and
  a threaded HTTP server; :func:`serve_until_signal` runs it until Ctrl-C or
  SIGTERM.

A bad edit never stops the server: every error, including template errors
and bugs, becomes a page listing what is wrong, and the next good save brings
the book back.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import queue
import re
import secrets
import signal
import socket
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup

from briefgen.build import BuildOptions, describe_build, project_options
from briefgen.errors import BriefgenError, ValidationFailed, display_path
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.lint import check_project
from briefgen.project.config import CONFIG_FILE, PEOPLE_DIR
from briefgen.project.load import find_root, load_project, meeting_folders
from briefgen.project.themes import builtin_templates
from briefgen.render.book import RenderOptions, make_environment, render_book
from briefgen.serve.watch import Watcher

Log = Callable[[str], None]
#: A change that concerns every meeting (a template, the project settings).
EVERY_MEETING = "*"
#: URL prefix of the server's own endpoints; meeting ids cannot start with "_".
INTERNAL = "_briefgen"
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
#: Seconds between keep-alive comments on an idle event stream.
HEARTBEAT = 15.0


@dataclass(frozen=True)
class ServeOptions:
    """How to serve: address, and the same rendering choices as ``build``."""

    host: str = "127.0.0.1"
    port: int = 8000
    render: RenderOptions = field(default_factory=RenderOptions)
    template_dir: Path | None = None
    limits: Limits = DEFAULT_LIMITS


@dataclass(frozen=True)
class Page:
    """What the server shows for one meeting: the book, or why there is none."""

    id: str
    folder: Path
    version: int
    title: str
    html: str | None = None
    #: Located problems (``file:line:col: error: message``) or other failures, one per line.
    problems: tuple[str, ...] = ()
    warnings: int = 0
    #: Person ids the book uses; ``None`` when unknown (the load failed).
    people: frozenset[str] | None = None
    #: Every file the book was made from, resolved.
    inputs: frozenset[Path] = frozenset()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.html is not None


def affected_meetings(
    paths: Iterable[Path], pages: Sequence[Page], root: Path, template_dirs: Sequence[Path]
) -> set[str]:
    """The ids of the pages that ``paths`` (changed files, absolute) can change.

    A template or the project settings concern every meeting
    (:data:`EVERY_MEETING` is in the result); a file in a meeting folder
    concerns that meeting; a file under ``people/`` concerns the meetings
    that use the person or photo, and every meeting whose last load failed
    (its people are unknown, and the change may be the fix).  A file in a
    folder that is not yet a known meeting (a new meeting) also yields
    :data:`EVERY_MEETING`, so the caller rescans.
    """
    known = {page.id for page in pages}
    found: set[str] = set()
    for path in paths:
        if any(path.is_relative_to(folder) for folder in template_dirs):
            return {EVERY_MEETING}
        if not path.is_relative_to(root):
            continue
        parts = path.relative_to(root).parts
        if not parts:
            continue
        if len(parts) == 1:
            if parts[0] in (CONFIG_FILE, PEOPLE_DIR) or path.is_dir() or parts[0] in known:
                return {EVERY_MEETING}
            continue
        if parts[0] == PEOPLE_DIR:
            person = Path(parts[1]).stem if len(parts) == 2 else None
            resolved = _resolve(path)
            for page in pages:
                if page.people is None or person in page.people or resolved in page.inputs:
                    found.add(page.id)
        elif parts[0] in known:
            found.add(parts[0])
        else:
            return {EVERY_MEETING}
    return found


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


class Preview:
    """The pages of the served meetings, rebuilt on demand; safe to share between threads."""

    def __init__(
        self,
        root: Path,
        folders: Sequence[Path] | None,
        options: ServeOptions,
        log: Log,
    ) -> None:
        self.root = root
        self.options = options
        self._fixed = list(folders) if folders is not None else None
        self._log = log
        self._pages: dict[str, Page] = {}
        self._version = 0
        self._changed = threading.Condition()
        self._rebuilding = threading.Lock()
        self._closed = False

    @property
    def template_dir(self) -> Path:
        return self.options.template_dir or builtin_templates()

    def folders(self) -> list[Path]:
        return list(self._fixed) if self._fixed is not None else meeting_folders(self.root)

    def pages(self) -> list[Page]:
        with self._changed:
            return sorted(self._pages.values(), key=lambda page: page.id)

    def page(self, meeting_id: str) -> Page | None:
        with self._changed:
            return self._pages.get(meeting_id)

    def version(self, channel: str) -> int | None:
        """The version of a meeting's page, or of the index for the channel ``""``."""
        with self._changed:
            if not channel:
                return self._version
            page = self._pages.get(channel)
            return page.version if page else None

    def wait(self, channel: str, seen: int | None, timeout: float) -> int | None:
        """Block until ``channel``'s version differs from ``seen`` or ``timeout`` passes."""
        with self._changed:
            self._changed.wait_for(
                lambda: self._closed or self.version(channel) != seen, timeout=timeout
            )
            return self.version(channel)

    def close(self) -> None:
        """Wake every waiting event stream so that it can end."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed

    def rebuild_all(self) -> None:
        self.rebuild({EVERY_MEETING})

    def on_change(self, paths: set[Path]) -> None:
        """Rebuild what ``paths`` can have changed (the watcher's callback)."""
        ids = affected_meetings(paths, self.pages(), self.root, [self.template_dir])
        if ids:
            self.rebuild(ids)

    def rebuild(self, ids: set[str]) -> None:
        """Rebuild the given meetings (all, and rescan the folders, for :data:`EVERY_MEETING`)."""
        with self._rebuilding:
            folders = {folder.name: folder for folder in self.folders()}
            wanted = set(folders) if EVERY_MEETING in ids else ids & set(folders)
            built = {meeting_id: self._build(folders[meeting_id]) for meeting_id in sorted(wanted)}
            with self._changed:
                gone = set(self._pages) - set(folders)
                changed = bool(gone)
                for meeting_id in gone:
                    del self._pages[meeting_id]
                for meeting_id, page in built.items():
                    old = self._pages.get(meeting_id)
                    if old is not None and not page.ok:
                        page = replace(page, title=old.title)
                    if old is not None and (old.html, old.problems) == (page.html, page.problems):
                        self._pages[meeting_id] = replace(page, version=old.version)
                        continue
                    self._version += 1
                    self._pages[meeting_id] = replace(page, version=self._version)
                    changed = True
                if changed:
                    self._version += 1
                    self._changed.notify_all()
            for page in built.values():
                self._report(page)

    def _build(self, folder: Path) -> Page:
        start = time.perf_counter()
        page = build_page(self.root, folder, self.options)
        return replace(page, seconds=time.perf_counter() - start)

    def _report(self, page: Page) -> None:
        stamp = time.strftime("%H:%M:%S")
        if page.ok:
            note = f", {page.warnings} warning(s)" if page.warnings else ""
            self._log(f"{stamp} built {page.id} in {page.seconds:.2f} s{note}")
            return
        self._log(f"{stamp} {page.id}: the book could not be built:")
        for line in page.problems:
            self._log(f"  {line}")


def build_page(root: Path, folder: Path, options: ServeOptions) -> Page:
    """Load, validate and render one meeting into a :class:`Page`; never raises for bad input."""
    base = root.parent
    title = folder.name
    people: frozenset[str] | None = None
    inputs: frozenset[Path] = frozenset()
    try:
        project = load_project(root, [folder], all_people=False, limits=options.limits)
        record = project.meetings[0]
        title = record.meeting.title
        people = frozenset(person.id for person in record.people)
        inputs = frozenset(_resolve(path) for path in record.input_files())
        chosen = project_options(
            project, BuildOptions(render=options.render, template_dir=options.template_dir)
        )
        env = make_environment(chosen.template_dir, chosen.theme or "default")
        # The preview always shows the working copy: no git lookups on the hot path.
        html = render_book(record, env, chosen.render, describe_build(None))
        warnings = sum(1 for p in check_project(project) if p.severity == "warning")
        return Page(
            folder.name, folder, 0, title, html, warnings=warnings, people=people, inputs=inputs
        )
    except ValidationFailed as exc:
        lines = tuple(p.format(base) for p in exc.problems if p.severity == "error")
        return Page(folder.name, folder, 0, title, problems=lines)
    except BriefgenError as exc:
        problem = f"{display_path(folder, base)}: {exc}"
        return Page(
            folder.name, folder, 0, title, problems=(problem,), people=people, inputs=inputs
        )
    except Exception as exc:
        traceback.print_exc()
        problem = f"internal error in briefgen ({type(exc).__name__}: {exc}); please report it"
        return Page(folder.name, folder, 0, title, problems=(problem,))


class PdfCache(Protocol):
    """Where finished PDFs are kept, keyed by a hash of the HTML they were laid out from."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, pdf: bytes) -> None: ...


class MemoryPdfCache:
    """The last few PDFs, in memory; the least recently used is dropped first."""

    def __init__(self, size: int = 4) -> None:
        self._size = size
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: str, pdf: bytes) -> None:
        with self._lock:
            self._items[key] = pdf
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def html_key(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


JobState = Literal["queued", "running", "done", "failed"]


@dataclass
class PdfJob:
    """One PDF being laid out; the progress page polls its state."""

    meeting_id: str
    key: str
    state: JobState = "queued"
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def status(self) -> dict[str, Any]:
        end = self.finished if self.finished is not None else time.monotonic()
        return {"state": self.state, "seconds": round(end - self.started, 1), "error": self.error}


PdfRenderer = Callable[[Page, str], bytes]


class PdfMaker:
    """Lay out PDFs one at a time in a daemon thread; reuse a cached one for the same HTML.

    WeasyPrint is imported by the first job, not before: serving HTML never pays for it.
    """

    def __init__(self, cache: PdfCache, render: PdfRenderer) -> None:
        self._cache = cache
        self._render = render
        self._jobs: dict[str, PdfJob] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[PdfJob, Page, str] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="briefgen-pdf", daemon=True)
        self._thread.start()

    def cached(self, page: Page) -> bytes | None:
        return self._cache.get(html_key(page.html)) if page.html is not None else None

    def request(self, page: Page) -> PdfJob:
        """The job making ``page``'s PDF: finished, failed, in progress, or started now.

        A failure stands until the HTML changes: the same HTML fails the same way.
        """
        assert page.html is not None
        key = html_key(page.html)
        with self._lock:
            job = self._jobs.get(page.id)
            evicted = job is not None and job.state == "done" and self._cache.get(key) is None
            if job is not None and job.key == key and not evicted:
                return job
            job = PdfJob(page.id, key)
            if self._cache.get(key) is not None:
                job.state, job.finished = "done", job.started
                job.done.set()
            else:
                self._queue.put((job, page, page.html))
            self._jobs[page.id] = job
            return job

    def stop(self) -> None:
        self._queue.put(None)

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            job, page, html = item
            if self._cache.get(job.key) is None:
                job.state, job.started = "running", time.monotonic()
                try:
                    self._cache.put(job.key, self._render(page, html))
                except BriefgenError as exc:
                    job.error = str(exc)
                except Exception as exc:
                    traceback.print_exc()
                    job.error = f"internal error in briefgen ({type(exc).__name__}: {exc})"
            job.state = "failed" if job.error else "done"
            job.finished = time.monotonic()
            job.done.set()

    def result(self, job: PdfJob) -> bytes | None:
        return self._cache.get(job.key)


def render_page_pdf(root: Path, template_dir: Path) -> PdfRenderer:
    """A renderer with the same sandbox as ``build``: the data and template folders only.

    There is no time limit: WeasyPrint's is a SIGALRM, which only the main thread
    can use, and the preview's user can always stop waiting.
    """

    def render(page: Page, html: str) -> bytes:
        from briefgen.outputs.pdf import render_pdf

        allowed = [root / PEOPLE_DIR, page.folder, template_dir]
        return render_pdf(html, base_dir=page.folder, allowed=allowed, timeout=None)

    return render


# --- HTTP ---------------------------------------------------------------------------------


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


def content_security_policy(html: str, nonce: str) -> str:
    """Only the response's own nonced script runs; only the page's own ``<style>`` blocks apply.

    ``style`` attributes stay allowed (an SVG drawing may use them, and the page
    must look like the PDF); they cannot run code, and user text never reaches them.
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
    """Templates of the server's own pages (index, problems, PDF progress, reload script)."""
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
    allowed_hosts: frozenset[str] | None
    stopping: threading.Event = field(default_factory=threading.Event)


def make_handler(app: App) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to ``app``."""

    class Handler(PreviewHandler):
        pass

    Handler.app = app
    return Handler


class PreviewHandler(BaseHTTPRequestHandler):
    """Routes: ``/``, ``/<id>/``, ``/<id>/book.html``, ``/<id>/pdf``, ``/<id>/book.pdf``,
    ``/_briefgen/events/[<id>]``, ``/_briefgen/pdf/<id>``.  Everything else is 404."""

    app: App
    server_version = "briefgen"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows rebuilds, not every request."""

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
            case (a, "events") | (a, "events", "") if a == INTERNAL:
                self._events("")
            case (a, "events", meeting_id) if a == INTERNAL and preview.page(meeting_id):
                self._events(meeting_id)
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
        allowed = self.app.allowed_hosts
        if allowed is None:
            return True
        host = self.headers.get("Host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.strip("[]").lower() in allowed

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

    def _text(self, status: HTTPStatus, text: str) -> None:
        self._send(status, text.encode("utf-8"), "text/plain; charset=utf-8")

    def _redirect(self, location: str) -> None:
        self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", {"Location": location})

    def _html(self, html: str, nonce: str, version: int | None = None) -> None:
        headers = {"Content-Security-Policy": content_security_policy(html, nonce)}
        if version is not None:
            headers["X-Briefgen-Version"] = str(version)
        self._send(HTTPStatus.OK, html.encode("utf-8"), "text/html; charset=utf-8", headers)

    def _reload_script(self, channel: str, version: int | None, nonce: str, book: bool) -> Markup:
        template = self.app.pages_env.get_template("reload.html.j2")
        return Markup(
            template.render(
                nonce=nonce,
                events=f"/{INTERNAL}/events/{channel}",
                channel=channel,
                version=version,
                book=book,
            )
        )

    def _page(self, name: str, channel: str, version: int | None, **context: Any) -> None:
        nonce = secrets.token_urlsafe(16)
        script = self._reload_script(channel, version, nonce, book=False)
        template = self.app.pages_env.get_template(name)
        html = template.render(reload_script=script, nonce=nonce, **context)
        self._html(html, nonce, version)

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
            self._page("problems.html.j2", page.id, page.version, page=page)
            return
        nonce = secrets.token_urlsafe(16)
        script = self._reload_script(page.id, page.version, nonce, book=True)
        self._html(inject_before_body_end(page.html, str(script)), nonce, page.version)

    def _pdf_progress(self, page: Page) -> None:
        self._page("pdf.html.j2", page.id, page.version, page=page, status=f"/{INTERNAL}/pdf/")

    def _pdf_status(self, page: Page) -> None:
        if page.html is None:
            status: dict[str, Any] = {
                "state": "invalid",
                "error": "The data has errors; fix them first.",
            }
        else:
            status = self.app.pdfs.request(page).status()
        self._send(HTTPStatus.OK, json.dumps(status).encode(), "application/json; charset=utf-8")

    def _pdf(self, page: Page) -> None:
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
        self._send(HTTPStatus.OK, pdf, "application/pdf", {"Content-Disposition": disposition})

    def _events(self, channel: str) -> None:
        """Server-sent events: the channel's version now, then at every change."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self._common_headers()
        self.end_headers()
        if self.command == "HEAD":
            return
        preview = self.app.preview
        seen: int | None = -1
        self.wfile.write(b"retry: 300\n\n")
        while not self.app.stopping.is_set() and not preview.closed:
            version = preview.version(channel)
            if version != seen:
                seen = version
                self.wfile.write(f"data: {json.dumps(version)}\n\n".encode())
            else:
                self.wfile.write(b": ping\n\n")
            self.wfile.flush()
            preview.wait(channel, seen, HEARTBEAT)


# --- the server ---------------------------------------------------------------------------


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
        self.pdfs = PdfMaker(cache, render_page_pdf(self.root, template_dir))
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
        allowed = None if host in ("0.0.0.0", "::", "") else frozenset(_LOOPBACK | {host.lower()})
        self._app = App(self.preview, self.pdfs, make_pages_environment(), allowed)
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

    def request_stop(signum: int, frame: object) -> None:
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
