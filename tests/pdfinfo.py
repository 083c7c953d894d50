"""What a reader sees in a PDF: words with positions, text runs with fonts, the outline."""

from __future__ import annotations

import math
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from .conftest import require_tool

MM = 72 / 25.4
#: book.css: @page margin: 24mm 20mm 24mm 22mm (top, right, bottom, left).
MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT = 24 * MM, 20 * MM, 24 * MM, 22 * MM


def text_block_centre(page_width: float) -> float:
    """Where centred page furniture is centred: the middle of the text block, not of the sheet."""
    return (MARGIN_LEFT + page_width - MARGIN_RIGHT) / 2


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float  # y grows downwards from the top of the page


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]


def pdf_words(pdf: Path) -> list[Page]:
    """Every word on every page with its box, from ``pdftotext -bbox``."""
    tool = require_tool("pdftotext")
    xhtml = subprocess.run(
        [tool, "-enc", "UTF-8", "-bbox", str(pdf), "-"], capture_output=True, check=True
    ).stdout
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in ET.fromstring(xhtml).iterfind(".//x:page", ns):
        words = [
            Word(w.text or "", *(float(w.attrib[k]) for k in ("xMin", "yMin", "xMax", "yMax")))
            for w in page.iterfind("x:word", ns)
        ]
        pages.append(Page(float(page.attrib["width"]), float(page.attrib["height"]), words))
    return pages


@dataclass(frozen=True)
class Run:
    text: str
    size: float  # in points, after the text and page transformations
    font: str


def text_runs(reader: PdfReader, index: int) -> list[Run]:
    """The text of one page as pypdf sees it drawn: one run per font and position change."""
    runs: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        scale = math.sqrt(abs(tm[0] * tm[3] - tm[1] * tm[2]) * abs(cm[0] * cm[3] - cm[1] * cm[2]))
        name = str(font.get("/BaseFont", "")) if font else ""
        runs.append(Run(text, size * scale, name))

    reader.pages[index].extract_text(visitor_text=visit)
    return runs


def large_text(reader: PdfReader, index: int, min_size: float = 15) -> str:
    """The text on a page set at ``min_size`` points or more (headings), spaces normalised."""
    runs = text_runs(reader, index)
    return " ".join(" ".join(r.text for r in runs if r.size >= min_size).split())


def outline(reader: PdfReader) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """Top-level outline entries as (title, page index, [(child title, page index)])."""
    entries: list[tuple[str, int, list[tuple[str, int]]]] = []
    for item in reader.outline:
        if isinstance(item, list):
            title, page, _ = entries[-1]
            children = [(c.title, reader.get_destination_page_number(c)) for c in item]
            entries[-1] = (title, page, children)
        else:
            entries.append((item.title, reader.get_destination_page_number(item), []))
    return entries


def contents_entries(reader: PdfReader, index: int = 1) -> list[tuple[str, int]]:
    """(title, page number) from each line of the contents page, read in layout order (the
    numbers are floats, drawn before the titles), the space between them removed."""
    entries = []
    for line in reader.pages[index].extract_text(extraction_mode="layout").splitlines():
        # The DRAFT watermark crosses the page: its letters may fall on a line.
        match = re.match(r"^(?P<title>\S.*?)(?:\s{2,}DRAFT)?\s{2,}(?P<page>\d+)$", line.strip())
        if match:
            entries.append((match["title"].strip(), int(match["page"])))
    return entries
