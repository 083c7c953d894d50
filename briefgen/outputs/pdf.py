"""HTML → PDF with WeasyPrint: the only module that imports it.

WeasyPrint's default fetcher reads any ``file://`` path and any ``http(s)``
URL, and only logs a warning when a resource is missing.  Here fetching is
limited to ``data:`` URLs, regular files inside the allowed folders and the
font files declared here with ``@font-face`` so that no text depends on the
machine's fonts (:mod:`briefgen.render.fonts`: static instances of the bundled
families the document uses, kept by :mod:`briefgen.outputs.fontcache`, and the
variable fonts of the others), and every warning WeasyPrint logs fails the
build: a book with a missing image or an unloadable font is a wrong book.
Before WeasyPrint reads the HTML, its theme variables are written out
(:mod:`briefgen.outputs.cssvars`).
"""

from __future__ import annotations

import hashlib
import io
import logging
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from briefgen.errors import PdfEngineMissing, RenderError
from briefgen.outputs.bookparts import LaidOut
from briefgen.outputs.cssvars import inline_root_variables
from briefgen.outputs.fontcache import pdf_font_faces
from briefgen.outputs.fontuse import font_use
from briefgen.outputs.numberslots import take_slots
from briefgen.outputs.pagefacts import part_facts
from briefgen.outputs.pdfengine import import_engine, missing_engine
from briefgen.project.confine import confine
from briefgen.render.fonts import MissingFonts, bundled_fonts, font_face_css
from briefgen.render.scripts import font_package
from briefgen.schema.choices import PdfVariant, names

try:
    import_engine()
    import pydyf
    import weasyprint
    from weasyprint.formatting_structure.boxes import LineBox, TextBox
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse
except ModuleNotFoundError as exc:
    raise missing_engine([exc.name or str(exc)]) from exc
except OSError as exc:  # WeasyPrint found, but not the Pango library it loads
    raise PdfEngineMissing(
        f"PDF output needs WeasyPrint, which cannot load a system library ({exc}); install "
        "Pango (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
    ) from exc


class ForbiddenResource(FatalURLFetchingError):  # type: ignore[misc]
    """The document referred to something outside what a build may read."""


class SandboxedFetcher(URLFetcher):  # type: ignore[misc]
    """Serve ``data:`` URLs, regular files inside ``allowed`` and exactly the ``files`` given."""

    def __init__(self, allowed: Sequence[Path], files: Sequence[Path] = ()) -> None:
        super().__init__(allowed_protocols={"data", "file"}, fail_on_errors=True)
        self._allowed = list(allowed)
        self._files = frozenset(path.resolve() for path in files)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path))
            if path.resolve() in self._files:  # briefgen's own bundled fonts, named exactly
                return URLFetcherResponse(url, body=path.resolve().read_bytes())
            for folder in self._allowed:
                found = confine(folder, path)
                if isinstance(found, Path):
                    return URLFetcherResponse(url, body=found.read_bytes())
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


_MISSING_GLYPH = ".notdef glyph rendered"


def explain(message: str) -> str:
    """A WeasyPrint warning with what to do about it, where briefgen knows."""
    if message.startswith(_MISSING_GLYPH):
        return (
            f"{message}: neither the bundled fonts nor an installed font has these characters, "
            f"so they would print as empty boxes; install a font for the script "
            f"(Debian: {font_package('Chinese (Han)')} for CJK, {font_package('Arabic')})"
        )
    return message


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not is_benign(message):
            self.messages.append(message)


class _Pages(logging.Handler):
    """Passes how far WeasyPrint got ("page 12", "writing the PDF") to ``on_progress``.

    It reads WeasyPrint's documented ``weasyprint.progress`` logger, which logs
    each page as it is laid out and the start of the PDF writing.
    """

    def __init__(self, on_progress: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self._on_progress = on_progress

    def emit(self, record: logging.LogRecord) -> None:
        message, args = str(record.msg), record.args
        if message.startswith(_LAYOUT_STEP) and isinstance(args, tuple) and args:
            self._on_progress(f"page {args[0]}")
        elif message.startswith(_WRITE_STEP):
            self._on_progress("writing the PDF")


_LAYOUT_STEP = "Step 5 - Creating layout - Page"
_WRITE_STEP = "Step 6 - Creating PDF"


@contextmanager
def _capture_warnings(on_progress: Callable[[str], None] | None = None) -> Iterator[_Collect]:
    """Collect WeasyPrint's warnings instead of letting them reach the terminal.

    With ``on_progress``, the ``weasyprint.progress`` logger also reports each
    page laid out (WeasyPrint has no other hook into its layout).
    """
    handler = _Collect()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("weasyprint.progress")]
    saved = [(logger.propagate, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    pages = _Pages(on_progress) if on_progress is not None else None
    if pages is not None:
        loggers[1].addHandler(pages)
        loggers[1].setLevel(logging.INFO)
    try:
        yield handler
    finally:
        if pages is not None:
            loggers[1].removeHandler(pages)
        for logger, (propagate, level) in zip(loggers, saved, strict=True):
            logger.removeHandler(handler)
            logger.propagate = propagate
            logger.setLevel(level)


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` swallows it."""


@contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Stop the work after ``seconds`` (main thread only; elsewhere there is no limit)."""
    usable = seconds and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    expired: list[bool] = []

    def expire(_signum: int, _frame: object) -> None:
        expired.append(True)
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, float(seconds or 0))
    try:
        yield
        if expired:  # the alarm fired inside a finaliser, which swallowed the exception
            raise _Timeout
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


#: The PDF variants briefgen offers (WeasyPrint's names for them).
PDF_VARIANTS: tuple[PdfVariant, ...] = names(PdfVariant)  # type: ignore[assignment]


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF, passed as bytes (never fetched by WeasyPrint)."""

    name: str
    data: bytes
    description: str | None = None


_NO_INTERPOLATION = "img { image-rendering: crisp-edges; }"


def _finish_variant(document: Any, pdf: pydyf.PDF) -> None:
    """Compress the streams of an archival or accessible PDF the way validators accept.

    Variants are written with ``uncompressed_pdf`` (a classic cross-reference
    table and no object streams); this compresses each plain stream again,
    except the document's XMP metadata (PDF/A forbids filtering it) and any
    stream whose compressed bytes would end in a carriage return: followed by
    the line feed before ``endstream`` that reads as a CR LF end of line, and
    the stream's /Length then looks one byte too long to a strict reader.
    """
    reference = pdf.catalog.get("Metadata")  # b"12 0 R"
    if isinstance(reference, bytes):
        reference = reference.decode("ascii")
    metadata = pdf.objects[int(str(reference).split()[0])] if reference else None
    for stream in pdf.objects:
        if not isinstance(stream, pydyf.Stream) or stream is metadata:
            continue
        if "Filter" in stream.extra:
            continue
        stream.compress = True
        if stream.data.endswith(b"\r\nendstream"):
            stream.compress = False


@lru_cache(maxsize=1)
def _freeze_font_timestamps() -> None:
    """Make WeasyPrint's instances of variable fonts the same on every build.

    Given a variable font (a bundled family the styles do not name, or an
    installed font), WeasyPrint makes one static font per weight and style used
    with fontTools, which stamps the new font's ``head.modified``
    with the current time, so two builds a second apart would differ.  The
    stamp is set to a constant instead: it says nothing about the book.
    """
    from fontTools.ttLib.tables import _h_e_a_d

    _h_e_a_d.timestampNow = lambda: _FONT_TIMESTAMP


#: 2020-01-01 in the seconds since 1904 that TrueType's ``head`` table counts.
_FONT_TIMESTAMP = 3_660_681_600


def render_pdf(
    html: str,
    *,
    base_dir: Path,
    allowed: Sequence[Path],
    created: datetime | None = None,
    identifier: str | None = None,
    timeout: float | None = None,
    variant: PdfVariant | None = None,
    attachments: Sequence[PdfAttachment] = (),
    on_progress: Callable[[str], None] | None = None,
) -> bytes:
    """Lay out ``html`` and return the PDF bytes, or raise :class:`RenderError`.

    The output depends only on its arguments: ``created`` becomes the PDF's
    creation and modification date (none when ``None``), and the file
    identifier is derived from ``identifier`` (the meeting id, the same for
    every version of one book) and the content, never from the clock.
    ``timeout`` limits the seconds spent (a hostile document can make layout
    very slow); None or 0 means no limit.  ``variant`` makes a tagged PDF/A-3b
    or PDF/UA-1 file.  ``attachments`` are embedded from memory, dated
    ``created`` (default: now).  ``on_progress`` hears how far the layout got
    ("page 12"; pages can be laid out twice, for page references), then
    "writing the PDF".
    """
    if variant is not None and variant not in PDF_VARIANTS:
        raise RenderError(f"unknown PDF variant '{variant}': use one of {', '.join(PDF_VARIANTS)}")
    options, finisher = _write_options(variant, attachments, created)

    def write(document: Any) -> bytes:
        data = document.write_pdf(
            finisher=finisher, pdf_identifier=_identifier(identifier), **options
        )
        assert isinstance(data, bytes)
        return data

    return _lay_out(
        html, base_dir, allowed, created, timeout, write, options, on_progress=on_progress
    )


def render_part(
    html: str,
    *,
    base_dir: Path,
    allowed: Sequence[Path],
    created: datetime | None = None,
    identifier: str | None = None,
    timeout: float | None = None,
    lead: bool = False,
    slots: str | None = None,
) -> LaidOut:
    """Lay out one part of a book (:mod:`.bookparts`): its first page dropped with ``lead``.

    Links to anchors in other parts are kept: each such anchor is declared
    (on the part's first page) so that WeasyPrint writes the link, and the
    joined PDF's destinations point them to the right page.  With ``slots``
    (the placeholder page number), the placeholders printed in ``data-page``
    links are taken out of the pages and noted as :class:`.NumberSlot` values.
    """
    facts: dict[str, Any] = {}

    def write(document: Any) -> bytes:
        pages = document.pages[1:] if lead else document.pages
        facts.update(part_facts(pages, (LineBox, TextBox)))
        if slots is not None:
            facts["slots"] = take_slots(pages, slots, TextBox, LineBox)
        declared = set(facts["anchors"])
        for page in pages:
            for kind, target, _, _ in page.links:
                if kind == "internal" and target not in declared and pages:
                    pages[0].anchors[target] = (0, 0, 0, 0)
                    declared.add(target)
        data = document.copy(pages).write_pdf(pdf_identifier=_identifier(identifier))
        assert isinstance(data, bytes)
        return data

    pdf = _lay_out(html, base_dir, allowed, created, timeout, write, {})
    return LaidOut(pdf, **facts)


def _lay_out(
    html: str,
    base_dir: Path,
    allowed: Sequence[Path],
    created: datetime | None,
    timeout: float | None,
    write: Callable[[Any], bytes],
    options: dict[str, Any],
    on_progress: Callable[[str], None] | None = None,
) -> bytes:
    """Lay out ``html`` in the sandbox under ``timeout`` and ``write`` the document.

    Every warning WeasyPrint logs becomes a :class:`RenderError`.
    """
    _freeze_font_timestamps()
    html = inline_root_variables(html)
    try:
        declared = pdf_font_faces(font_use(html, {font.family for font in bundled_fonts()}))
        fetcher = SandboxedFetcher(allowed, [face.path for face in declared])
        fonts = FontConfiguration()
        faces = weasyprint.CSS(
            string=font_face_css(declared), url_fetcher=fetcher, font_config=fonts
        )
    except MissingFonts as exc:
        raise RenderError(str(exc)) from exc
    options = {**options, "stylesheets": [faces, *options.get("stylesheets", [])]}
    with _capture_warnings(on_progress) as captured:
        try:
            with _deadline(timeout):
                document = weasyprint.HTML(
                    string=html,
                    base_url=base_dir.resolve().as_uri() + "/",
                    url_fetcher=fetcher,
                )
                rendered = document.render(font_config=fonts, **options)
                if created is not None:
                    stamp = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                    rendered.metadata.created = rendered.metadata.modified = stamp
                pdf = write(rendered)
        except _Timeout:
            raise RenderError(
                f"the PDF took longer than {timeout:g} seconds to lay out; "
                "shorten the content or raise --timeout"
            ) from None
        except FatalURLFetchingError as exc:
            cause = exc.__cause__ or exc
            raise RenderError(f"PDF build stopped: {cause}") from exc
    if captured.messages:
        raise RenderError(
            "PDF build reported problems:\n  " + "\n  ".join(map(explain, captured.messages))
        )
    return pdf


def _write_options(
    variant: PdfVariant | None, attachments: Sequence[PdfAttachment], created: datetime | None
) -> tuple[dict[str, Any], Callable[..., None] | None]:
    """WeasyPrint's render/write options for a variant and attachments, and the finisher."""
    options: dict[str, Any] = {}
    finisher = None
    if variant is not None:
        options.update(pdf_variant=variant, pdf_tags=True, uncompressed_pdf=True)
        finisher = _finish_variant
    if variant is not None and variant.startswith("pdf/a"):
        # PDF/A forbids asking viewers to interpolate images; photos are at print resolution.
        options["stylesheets"] = [weasyprint.CSS(string=_NO_INTERPOLATION)]
    if attachments:
        when = created or datetime.now()
        options["attachments"] = [
            weasyprint.Attachment(
                file_obj=io.BytesIO(a.data),
                name=a.name,
                description=a.description or a.name,
                created=when,
                modified=when,
                relationship="Supplement",
            )
            for a in attachments
        ]
    return options, finisher


def _identifier(name: str | None) -> bytes | bool:
    """The PDF's permanent file identifier: a digest of the book's name, so versions share it."""
    if name is None:
        return False
    return hashlib.md5(f"briefgen:{name}".encode(), usedforsecurity=False).hexdigest().encode()
