"""The files a build writes into each meeting's folder, and the ``--format`` values that ask
for them: light, so that the command line knows whether PDFs are coming before it loads
anything (see :func:`briefgen.build.workers.layout_pool`)."""

from __future__ import annotations

from briefgen.schema.choices import Format

#: The files of a meeting and the --format values that write them.
OUTPUT_FILES: dict[str, tuple[Format, ...]] = {
    "book.html": ("html",),
    "book.pdf": ("pdf",),
    "seating.svg": ("seating",),
    "place-cards.pdf": ("cards",),
    "pocket.pdf": ("pocket",),
}


def output_names(fmt: Format) -> list[str]:
    """The files a format writes into the meeting's folder."""
    return [name for name, kinds in OUTPUT_FILES.items() if fmt == "all" or fmt in kinds]


def makes_pdfs(fmt: Format) -> bool:
    """True when the format writes a PDF."""
    return any(name.endswith(".pdf") for name in output_names(fmt))
