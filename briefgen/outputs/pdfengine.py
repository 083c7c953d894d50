"""Is the PDF engine there?  Asked without importing it.

WeasyPrint and what it needs (about 40 MB, and Pango from the system) come
with the ``pdf`` extra, so that ``check``, ``diff``, ``schema``, ``new`` and
HTML output, e.g. in a pre-commit hook, install without them.  A build that
needs a PDF asks :func:`require_pdf_engine` before rendering anything, so the
user gets one sentence instead of an ``ImportError`` per meeting.
"""

from __future__ import annotations

from importlib.util import find_spec

from briefgen.errors import PdfEngineMissing

#: What to install for PDF output, as a user types it.
PDF_EXTRA = "briefgen[pdf]"
ENGINE_MODULES = ("weasyprint", "pydyf", "pikepdf")


def missing_engine(modules: list[str]) -> PdfEngineMissing:
    """The error for a build that needs a PDF when ``modules`` of the engine are not installed."""
    return PdfEngineMissing(
        f"PDF output needs WeasyPrint, which is not installed (missing: {', '.join(modules)}); "
        f"install it with pip install '{PDF_EXTRA}', or build only the HTML with --format html"
    )


def require_pdf_engine() -> None:
    """Raise :class:`PdfEngineMissing` unless WeasyPrint and pydyf are installed."""
    absent = [name for name in ENGINE_MODULES if find_spec(name) is None]
    if absent:
        raise missing_engine(absent)
