"""Is the PDF engine there?  Asked without importing it.

WeasyPrint and what it needs (about 40 MB, and Pango from the system) come
with the ``pdf`` extra, so that ``check``, ``diff``, ``schema``, ``new`` and
HTML output, e.g. in a pre-commit hook, install without them.  A build that
needs a PDF asks :func:`require_pdf_engine` before rendering anything, so the
user gets one sentence instead of an ``ImportError`` per meeting.

:func:`import_engine` imports it without the compiler runs that loading
Pango would otherwise cost on Linux.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
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


def import_engine() -> None:
    """Import WeasyPrint, its system libraries found by the dynamic loader alone where it can.

    WeasyPrint opens Pango, HarfBuzz and fontconfig trying several names for
    each, and every name that is not a file name makes cffi ask
    :func:`ctypes.util.find_library`, which on Linux runs ``ldconfig`` and then
    ``gcc`` once per name: about twenty processes and 0.3 s at every start of
    a layout process.  The last name WeasyPrint tries on Linux is the
    library's soname (``libpango-1.0.so.0``), which the loader finds by itself,
    so the import first runs with that lookup answering "not found".  Should a
    library then be missing (a system that only ``gcc`` can see into), the
    import is run again the usual way, and its own error, if any, is the one
    reported.
    """
    if sys.platform == "linux":
        try:
            with _no_library_search(), contextlib.redirect_stdout(io.StringIO()):
                import weasyprint
            return
        except OSError:
            for name in [m for m in sys.modules if m.partition(".")[0] == "weasyprint"]:
                del sys.modules[name]
    import weasyprint  # noqa: F401


@contextlib.contextmanager
def _no_library_search() -> Iterator[None]:
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search
