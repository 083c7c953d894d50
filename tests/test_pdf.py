from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.build import BuildOptions, build_project
from briefgen.errors import RenderError
from briefgen.load import load_project
from briefgen.pdf import is_benign, render_pdf

from .conftest import EXAMPLE, require_tool

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
        [pdf] = build_project(load_project(EXAMPLE), BuildOptions(out_dir=out, format="pdf"))
    finally:
        for logger in loggers:
            logger.removeHandler(recorder)
    return pdf, [r.getMessage() for r in recorder.records]


@pytest.fixture(scope="module")
def example_pdf(example_build: tuple[Path, list[str]]) -> Path:
    return example_build[0]


def test_building_the_example_logs_nothing(example_build: tuple[Path, list[str]]) -> None:
    assert example_build[1] == []


def page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def test_delegation_page_lists_russian_members_in_article_order(example_pdf: Path) -> None:
    [page] = [
        t
        for t in page_texts(example_pdf)
        if "Delegations" in t and "Russian Federation" in t and "Sergei Lavrov —" in t
    ]
    positions = [page.index(name) for name in ["Vladimir Putin", *RUSSIAN_DELEGATION]]
    assert positions == sorted(positions)
    assert "H.E. Mr Sergei Lavrov — Minister of Foreign Affairs" in page


def test_every_page_carries_the_marking_top_and_bottom(example_pdf: Path) -> None:
    texts = page_texts(example_pdf)
    assert len(texts) > 10
    for number, text in enumerate(texts, start=1):
        assert text.count("OFFICIAL") >= 2, f"page {number} lacks the marking twice"
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {len(texts)}" in text


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


def test_contents_page_numbers_point_at_the_sections(example_pdf: Path) -> None:
    texts = page_texts(example_pdf)
    contents = texts[1]
    for title in ("Programme", "Delegations", "Biographical notes"):
        line = next(line for line in contents.splitlines() if line.startswith(title))
        page = int(line.rstrip(". ").split()[-1].lstrip("."))
        assert title in texts[page - 1], f"{title} is not on page {page}"


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
