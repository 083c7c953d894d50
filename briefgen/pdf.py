"""HTML → PDF with WeasyPrint: the only module that imports it.

WeasyPrint's default fetcher reads any ``file://`` path and any ``http(s)``
URL, and only logs a warning when a resource is missing.  Here fetching is
limited to ``data:`` URLs and regular files inside the allowed folders, and
every warning WeasyPrint logs fails the build: a book with a missing image or
an unloadable font is a wrong book.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .errors import RenderError


class ForbiddenResource(FatalURLFetchingError):  # type: ignore[misc]
    """The document referred to something outside what a build may read."""


class SandboxedFetcher(URLFetcher):  # type: ignore[misc]
    """Serve ``data:`` URLs and regular files inside ``allowed``; refuse everything else."""

    def __init__(self, allowed: Sequence[Path]) -> None:
        super().__init__(allowed_protocols={"data", "file"}, fail_on_errors=True)
        self._allowed = [folder.resolve() for folder in allowed]

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(folder) for folder in self._allowed) and path.is_file():
                return URLFetcherResponse(url, body=path.read_bytes())
            raise ForbiddenResource(
                f"refused to read '{path}': only files inside "
                f"the project's asset folders may be used"
            )
        raise ForbiddenResource(f"refused to fetch '{url}': a build never uses the network")


#: WeasyPrint warnings that do not make the output wrong (e.g. how fonts are subset).
BENIGN_WARNINGS = ("Using fontTools instead of HarfBuzz-Subset",)


def is_benign(message: str) -> bool:
    """True for a WeasyPrint warning that says nothing about the document being wrong."""
    return message.startswith(BENIGN_WARNINGS)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not is_benign(message):
            self.messages.append(message)


@contextmanager
def _capture_warnings() -> Iterator[_Collect]:
    """Collect WeasyPrint's warnings instead of letting them reach the terminal."""
    handler = _Collect()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("weasyprint.progress")]
    saved = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield handler
    finally:
        for logger, propagate in zip(loggers, saved, strict=True):
            logger.removeHandler(handler)
            logger.propagate = propagate


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` swallows it."""


@contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Stop the work after ``seconds`` (main thread only; elsewhere there is no limit)."""
    usable = seconds and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    fired = False

    def expire(signum: int, frame: object) -> None:
        nonlocal fired
        fired = True
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, float(seconds or 0))
    try:
        yield
        if fired:
            # The alarm struck inside a __del__ or weakref callback, where Python
            # prints the exception and carries on: the time was still exceeded.
            raise _Timeout
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_pdf(
    html: str, *, base_dir: Path, allowed: Sequence[Path], timeout: float | None = None
) -> bytes:
    """Lay out ``html`` and return the PDF bytes, or raise :class:`RenderError`.

    ``timeout`` limits the seconds spent (a hostile document can make layout
    very slow); None or 0 means no limit.
    """
    fetcher = SandboxedFetcher(allowed)
    with _capture_warnings() as captured:
        try:
            with _deadline(timeout):
                document = weasyprint.HTML(
                    string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=fetcher
                )
                pdf = document.write_pdf()
        except _Timeout:
            raise RenderError(
                f"the PDF took longer than {timeout:g} seconds to lay out; "
                "shorten the content or raise --timeout"
            ) from None
        except FatalURLFetchingError as exc:
            cause = exc.__cause__ or exc
            raise RenderError(f"PDF build stopped: {cause}") from exc
    if captured.messages:
        raise RenderError("PDF build reported problems:\n  " + "\n  ".join(captured.messages))
    assert isinstance(pdf, bytes)
    return pdf
