"""PDFs laid out on demand in one background thread, cached by the HTML they came from."""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import queue
import signal
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from briefgen.errors import BriefgenError, RenderError
from briefgen.project.config import asset_folders
from briefgen.serve.preview import Page


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


def render_page_pdf(root: Path, template_dir: Path, timeout: float | None = None) -> PdfRenderer:
    """A renderer with the same sandbox as ``build``: the data and template folders only.

    Each PDF is laid out in a child process (forked from a single-threaded
    fork server that has WeasyPrint loaded), so ``timeout`` holds as in a
    build: the layout's own alarm runs in the child's main thread, and a child
    that outlives it is killed.  None or 0: no limit.
    """

    def render(page: Page, html: str) -> bytes:
        allowed = asset_folders(root, page.folder, template_dir)
        return lay_out_in_child(html, page.folder, allowed, timeout)

    return render


def lay_out_in_child(
    html: str, base_dir: Path, allowed: list[Path], timeout: float | None
) -> bytes:
    """``render_pdf`` in a child process, killed when it runs past ``timeout`` (+5 s grace)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["briefgen.outputs.pdf"])
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_lay_out, args=(sender, html, base_dir, allowed, timeout), daemon=True
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout + 5 if timeout else None):
            raise RenderError(
                f"the PDF took longer than {timeout:g} seconds to lay out; "
                "shorten the content or raise --timeout"
            )
        ok, payload = receiver.recv()
    except EOFError:
        raise RenderError("the PDF layout process ended without a result") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(2)
        receiver.close()
    if not ok:
        raise RenderError(payload)
    assert isinstance(payload, bytes)
    return payload


def _lay_out(
    sender: Any, html: str, base_dir: Path, allowed: list[Path], timeout: float | None
) -> None:
    """The child's work: the PDF bytes, or the user error's message, back through ``sender``.

    Ctrl-C reaches the whole process group; the server stops this process itself, so the
    interrupt is not one for this process to print a traceback about.  Nor is a result
    nobody waits for any more (the server timed out, or stopped): it is dropped.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from briefgen.outputs.pdf import render_pdf

    result: tuple[bool, bytes | str]
    try:
        result = (True, render_pdf(html, base_dir=base_dir, allowed=allowed, timeout=timeout))
    except BriefgenError as exc:
        result = (False, str(exc))
    try:
        with contextlib.suppress(BrokenPipeError):
            sender.send(result)
    finally:
        sender.close()
