"""Writing systems: CJK and right-to-left names in the PDF, font coverage warnings."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.build.run import build_project
from briefgen.errors import RenderError
from briefgen.lint import check_project
from briefgen.options import BuildOptions
from briefgen.outputs.pdf import render_pdf
from briefgen.project.load import load_project
from briefgen.render.book import make_environment, render_book
from briefgen.render.fonts import bundled_coverage
from briefgen.render.scripts import (
    SURELY_BUNDLED,
    cjk_language,
    direction,
    installed_coverage,
    needs_glyph,
    uncovered,
)

from .conftest import require_tool, write_tree
from .pdfinfo import text_runs

ABE = "安倍晋三"
MBS = "محمد بن سلمان آل سعود"
NETANYAHU = "בנימין נתניהו"
MITSOTAKIS = "Κυριάκος Μητσοτάκης"
MOON = "문재인"
ARABIC_BIO = "ولي العهد ورئيس مجلس الوزراء."

PEOPLE = {
    "people/shinzo-abe.yaml": f"""\
        name:
          given: Shinzo
          family: Abe
          order: family-given
          native: {ABE}
          pronunciation: sheen-ZOH AH-beh
        office: Prime Minister of Japan
        """,
    "people/mohammed-bin-salman.yaml": f"""\
        name:
          given: Mohammed
          family: bin Salman
          native: {MBS}
          pronunciation: moh-HAM-ed bin sal-MAAN
        office: Crown Prince
        bio: {ARABIC_BIO}
        """,
    "people/benjamin-netanyahu.yaml": f"""\
        name:
          given: Benjamin
          family: Netanyahu
          native: {NETANYAHU}
          pronunciation: neh-tan-YAH-hoo
        office: Prime Minister of Israel
        """,
    "people/kyriakos-mitsotakis.yaml": f"""\
        name:
          given: Kyriakos
          family: Mitsotakis
          native: {MITSOTAKIS}
          pronunciation: kee-ree-AH-kos mee-tso-TAH-kees
        office: Prime Minister of Greece
        """,
    "people/moon-jae-in.yaml": f"""\
        name:
          given: Jae-in
          family: Moon
          order: family-given
          native: {MOON}
          pronunciation: moon jeh-in
        office: President of the Republic of Korea
        """,
}
TREE = {
    **PEOPLE,
    "m/home.yaml": """\
        name: Japan
        country: JP
        members:
          - person: shinzo-abe
          - person: moon-jae-in
        """,
    "m/away.yaml": """\
        name: Guests
        country: SA
        members:
          - person: mohammed-bin-salman
          - person: benjamin-netanyahu
          - person: kyriakos-mitsotakis
        """,
}
NAMES = [ABE, MBS, NETANYAHU, MITSOTAKIS, MOON]
#: Bidirectional marks that pdftotext puts around right-to-left runs.
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e]")


def require_fonts() -> None:
    """Skip without fonts for these scripts, or fail when BRIEFGEN_REQUIRE_TOOLS=1 (CI)."""
    missing = uncovered("".join(NAMES) + ARABIC_BIO)
    if missing:
        message = f"no installed font for {''.join(missing)[:20]}: install fonts-noto-cjk"
        if os.environ.get("BRIEFGEN_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def scripts_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tree(tmp_path_factory.mktemp("scripts") / "delegations", **TREE)


@pytest.fixture(scope="module")
def scripts_pdf(scripts_root: Path) -> Path:
    require_fonts()
    project = load_project(scripts_root)
    [pdf] = build_project(project, BuildOptions(out_dir=scripts_root.parent / "out", format="pdf"))
    return pdf


def test_check_finds_no_missing_fonts_for_these_scripts(scripts_root: Path) -> None:
    if installed_coverage() is None:
        pytest.skip("fontconfig (fc-list) is not installed")
    require_fonts()
    assert not [p for p in check_project(load_project(scripts_root)) if p.code == "BG413"]


def test_html_marks_direction_and_cjk_language(scripts_root: Path) -> None:
    [meeting] = load_project(scripts_root).meetings
    html = render_book(meeting, make_environment())
    assert f'<p class="native" lang="ja">{ABE}</p>' in html
    assert f'<p class="native" lang="ko">{MOON}</p>' in html
    assert f'<p class="native" dir="rtl">{MBS}</p>' in html
    assert f'<p class="native" dir="rtl">{NETANYAHU}</p>' in html
    assert f'<div class="bio-text" dir="rtl"><p>{ARABIC_BIO}</p>' in html
    assert f'<p class="native">{MITSOTAKIS}</p>' in html
    assert '<html lang="en">' in html, "the book itself stays left-to-right"


def test_pdf_has_every_name_as_text(scripts_pdf: Path) -> None:
    tool = require_tool("pdftotext")
    text = subprocess.run(
        [tool, "-enc", "UTF-8", str(scripts_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    plain = _MARKS.sub("", text)
    for name in [*NAMES, ARABIC_BIO.rstrip(".")]:  # the full stop ends up left of an RTL line
        assert name in plain, f"'{name}' is not in the PDF text"
    assert "Abe Shinzo" in plain, "order: family-given prints the family name first"


def test_pdf_fonts_are_embedded_and_cjk_uses_regional_fonts(scripts_pdf: Path) -> None:
    tool = require_tool("pdffonts")
    listing = subprocess.run(
        [tool, str(scripts_pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    fonts = {line.split()[0].split("+", 1)[-1]: line.split() for line in listing}
    for name, columns in fonts.items():
        assert columns[-5] == "yes", f"font {name} is not embedded"
    families = " ".join(fonts)
    for family in ("CJK-JP", "CJK-KR", "Naskh-Arabic", "Hebrew"):
        assert family in families, f"no {family} font in {sorted(fonts)}"
    reader = PdfReader(scripts_pdf)
    runs = [run for index in range(len(reader.pages)) for run in text_runs(reader, index)]
    [abe] = [run for run in runs if ABE in run.text]
    assert "CJK-JP" in abe.font, "a Japanese name is drawn with the Japanese glyph forms"


def test_a_character_no_font_has_fails_the_pdf_build(tmp_path: Path) -> None:
    khitan = "\U00018b00"
    if installed_coverage() is None or uncovered(khitan) != [khitan]:
        pytest.skip("needs fontconfig and no font for Khitan small script")
    with pytest.raises(RenderError, match="nor an installed font has these characters"):
        render_pdf(f"<p>{khitan}</p>", base_dir=tmp_path, allowed=[tmp_path])


def test_direction_and_language_guesses() -> None:
    assert direction(MBS) == direction(NETANYAHU) == "rtl"
    assert direction("(2017) " + MBS) == "rtl"
    assert direction(MITSOTAKIS) == "ltr"
    assert cjk_language("习近平", "CN") == "zh"
    assert cjk_language("蔡英文", "TW") == "zh-Hant"
    assert cjk_language(MOON) == "ko"


def test_the_text_surely_bundled_is_in_every_bundled_font() -> None:
    """The short cut of ``uncovered`` (no font opened for Latin, Greek, Cyrillic) holds."""
    covered = bundled_coverage()
    for first, last in SURELY_BUNDLED:
        lacking = [
            hex(p) for p in range(first, last + 1) if needs_glyph(chr(p)) and p not in covered
        ]
        assert not lacking, f"the bundled fonts lack {lacking[:10]}"
