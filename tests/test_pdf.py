from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.build.run import build_project
from briefgen.errors import RenderError
from briefgen.options import BuildOptions
from briefgen.outputs.pdf import is_benign, render_pdf
from briefgen.project.load import load_project

from .conftest import EXAMPLE, EXAMPLE_MEETING, require_tool
from .pdfinfo import (
    MARGIN_BOTTOM,
    MARGIN_TOP,
    contents_entries,
    large_text,
    outline,
    pdf_words,
    text_block_centre,
)

RUSSIAN_DELEGATION = [  # the article's order, after President Putin
    "Sergei Lavrov",
    "Dmitry Peskov",
    "Yuri Ushakov",
    "Alexander Novak",
    "Valery Gerasimov",
    "Yevgeny Gromyko",
    "Alexander Lavrentiev",
    "Alexei Miller",
    "Alexei Likhachev",
    "Alexei Erkhov",
]


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The example book built once, with every warning logged anywhere during the build."""
    out = tmp_path_factory.mktemp("build")
    recorder = _Recorder()
    loggers = [logging.getLogger(), logging.getLogger("weasyprint")]
    for logger in loggers:
        logger.addHandler(recorder)
    try:
        [pdf] = build_project(
            load_project(EXAMPLE, [EXAMPLE_MEETING]), BuildOptions(out_dir=out, format="pdf")
        )
    finally:
        for logger in loggers:
            logger.removeHandler(recorder)
    return pdf, [r.getMessage() for r in recorder.records]


@pytest.fixture(scope="module")
def example_pdf(example_build: tuple[Path, list[str]]) -> Path:
    return example_build[0]


def test_building_the_example_logs_nothing(example_build: tuple[Path, list[str]]) -> None:
    assert example_build[1] == []


SECTIONS = [
    "Programme",
    "Objectives",
    "1. Syria: Astana accords and the Idlib de-escalation zone",
    "2. Territorial integrity of Iraq and Syria; the Kurdish referendum",
    "3. Tourism",
    "4. Supply of S-400 air-defence systems",
    "Delegations",
    "Seating plan",
    "Biographies",
    "Press lines",
]
PEOPLE = ["Recep Tayyip Erdoğan", "Vladimir Putin", *RUSSIAN_DELEGATION]


def page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def as_heading(title: str) -> str:
    """Contents and outline say "1. Tourism"; the topic's heading reads "1 Tourism"."""
    return re.sub(r"^(\d+)\. ", r"\1 ", title)


def test_delegation_page_lists_russian_members_in_article_order(example_pdf: Path) -> None:
    # The section runs on after the topics, so its heading may stand a page before;
    # each delegation is kept whole on one page under its own name.
    [page] = [
        t
        for t in page_texts(example_pdf)
        if "Russian Federation" in t and "Sergei Lavrov —" in t and "Vladimir Putin —" in t
    ]
    positions = [page.index(name) for name in ["Vladimir Putin", *RUSSIAN_DELEGATION]]
    assert positions == sorted(positions)
    assert "H.E. Mr Sergei Lavrov — Minister of Foreign Affairs" in page


def test_every_page_carries_the_marking_top_and_bottom(example_pdf: Path) -> None:
    texts = page_texts(example_pdf)
    assert len(texts) > 10
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {len(texts)}" in text
        assert "Russia–Turkey talks, Ankara" in text


def test_marking_is_centred_in_the_top_and_bottom_margins_of_every_page(
    example_pdf: Path,
) -> None:
    for number, page in enumerate(pdf_words(example_pdf), start=1):
        top = [w for w in page.words if w.y1 < MARGIN_TOP]
        bottom = [
            w for w in page.words if w.text == "OFFICIAL" and w.y0 > page.height - MARGIN_BOTTOM
        ]
        assert [w.text for w in top] == ["OFFICIAL"], f"page {number}: top margin holds {top}"
        assert len(bottom) == 1, f"page {number}: no marking in the bottom margin"
        for word in (*top, *bottom):
            centre = (word.x0 + word.x1) / 2
            assert abs(centre - text_block_centre(page.width)) < 1, f"page {number}: off centre"


def test_pdf_metadata(example_pdf: Path) -> None:
    reader = PdfReader(example_pdf)
    info = reader.metadata
    assert info is not None
    assert info.title == "Russia–Turkey talks at presidential level — Thursday 28 September 2017"
    assert info.subject is not None and "Briefing book" in info.subject
    assert "Ankara" in info.subject
    assert info["/Keywords"].startswith("briefing book, OFFICIAL, Republic of Turkey")
    assert info.creator is not None and re.fullmatch(r"briefgen \d+\.\d+\.\d+\S*", info.creator)
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert example_pdf.name == "book.pdf"


def test_native_script_survives_into_the_pdf(example_pdf: Path) -> None:
    require_tool("pdftotext")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(example_pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Владимир Владимирович Путин" in text
    assert "Recep Tayyip Erdoğan" in text
    assert "Cumhurbaşkanlığı Külliyesi" in text


def test_contents_page_numbers_are_where_the_headings_are(example_pdf: Path) -> None:
    reader = PdfReader(example_pdf)
    entries = contents_entries(reader)
    assert [title for title, _ in entries] == (SECTIONS[:-1] + PEOPLE + SECTIONS[-1:]), (
        "contents: every section, and every person after Biographies"
    )
    headings = [large_text(reader, index) for index in range(len(reader.pages))]
    for title, number in entries:
        pages = [n for n, text in enumerate(headings, start=1) if as_heading(title) in text]
        assert pages == [number], f"'{title}': contents says {number}, heading is on {pages}"


def test_outline_has_each_section_and_each_person_under_biographies(example_pdf: Path) -> None:
    reader = PdfReader(example_pdf)
    contents = dict(contents_entries(reader))
    entries = outline(reader)
    assert [title for title, _, _ in entries] == SECTIONS
    for title, index, children in entries:
        assert index + 1 == contents[title], f"outline entry '{title}' points elsewhere"
        assert as_heading(title) in large_text(reader, index)
        if title != "Biographies":
            assert children == []
    [biographies] = [children for title, _, children in entries if title == "Biographies"]
    assert [name for name, _ in biographies] == PEOPLE
    for name, index in biographies:
        assert index + 1 == contents[name]
        assert name in large_text(reader, index)


def test_cover_page_is_rasterised_with_a_dark_marking_band(
    example_pdf: Path, tmp_path: Path
) -> None:
    require_tool("pdftoppm")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "30",
            "-f",
            "1",
            "-l",
            "1",
            str(example_pdf),
            str(tmp_path / "cover"),
        ],
        check=True,
    )
    from PIL import Image

    [png] = tmp_path.glob("cover*.png")
    with Image.open(png) as image:
        grey = image.convert("L")
        width, height = grey.size
        top = grey.crop((width // 3, 0, 2 * width // 3, height // 10))
        assert top.getextrema()[0] < 100, "no marking printed at the top of the cover"
        left_margin = grey.crop((0, height // 5, width // 12, height))
        assert left_margin.getextrema()[0] > 200, "something is printed in the left margin"


@pytest.mark.parametrize(
    "src",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/photo.png",
        "ftp://127.0.0.1/x.png",
        "../../../etc/hostname",
    ],
)
def test_fetching_outside_the_sandbox_fails_the_build(tmp_path: Path, src: str) -> None:
    html = f'<html><body><img src="{src}"></body></html>'
    with pytest.raises(RenderError, match="refused"):
        render_pdf(html, base_dir=tmp_path, allowed=[tmp_path])


def test_missing_image_inside_the_sandbox_fails_loudly(tmp_path: Path) -> None:
    html = '<html><body><img src="missing.png"></body></html>'
    with pytest.raises(RenderError):
        render_pdf(html, base_dir=tmp_path, allowed=[tmp_path])


def test_only_known_harmless_warnings_are_tolerated() -> None:
    assert is_benign('Using fontTools instead of HarfBuzz-Subset for font "Noto Sans".')
    assert not is_benign("Failed to load image at 'missing.png'")
    assert not is_benign("Ignored `foo: bar` at 1:1, unknown property.")
