"""Layout under stress: long names and roles, a camera-size photo, caveats, letter paper.

One book is built per module (each PDF build costs seconds) and inspected the way
a reader would: words and their positions, fonts, images, page sizes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from briefgen.build.run import build_project
from briefgen.options import BuildOptions
from briefgen.project.load import load_project
from briefgen.render.book import RenderOptions
from briefgen.render.photos import pixels_for

from .conftest import write_tree
from .pdfinfo import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    Page,
    pdf_words,
    text_block_centre,
    text_runs,
)

LONG_FAMILY = ("Wolfeschlegelsteinhausenbergerdorff" * 4)[:115]
LONG_NAME = f"Anna {LONG_FAMILY}"
LONG_ROLE = (
    "Special Representative of the President for International Cultural Cooperation, "
    "Chair of the Interdepartmental Commission on Humanitarian Affairs and Co-Chair of "
    "the Intergovernmental Commission on Trade and Economic Cooperation with the "
    "Republic, responsible for coordinating all regional programmes"
)
LONG_TITLE = "Consultations " + " ".join(["on the implementation of the joint declaration"] * 3)
HOSTILE_BIO = "Said <script>alert(1)</script> and **bold** things."
assert len(LONG_NAME) == 120 and len(LONG_ROLE) == 300

TREE = {
    "people/anna-alpha.yaml": f"""\
        name:
          given: Anna
          family: {LONG_FAMILY}
          native: Άννα Άλφα
        honorific: H.E.
        salutation: Ms
        office: Minister of Examples
        photo: photos/anna.jpg
        """,
    "people/boris-beta.yaml": f"""\
        name:
          given: Boris
          family: Beta
        salutation: Mr
        office: Deputy Minister
        bio: |
          {HOSTILE_BIO}

          - first point
          - second point
        """,
    "people/dora-delta.yaml": "name:\n  given: Dora\n  family: Delta\n",
    "m/meeting.yaml": f"""\
        title: {LONG_TITLE}
        short_title: {LONG_TITLE}
        date: 2020-01-02
        start: 10:00
        marking: official-sensitive
        caveats: [uk eyes only]
        host: home
        delegations: [home, away]
        perspective: away
        programme:
          - time: 10:00
            end: 11:00
            title: {LONG_TITLE}
            place: {LONG_FAMILY}
            attendees: [{LONG_FAMILY}]
        """,
    "m/away.yaml": f"""\
        name: Away Federation
        members:
          - person: anna-alpha
            role: {LONG_ROLE}
          - person: dora-delta
            support: true
            role: Interpreter
          - person: boris-beta
            precedence: 1
            role: {LONG_ROLE}
        """,
}


@pytest.fixture(scope="module")
def stress_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("data") / "delegations", **TREE)
    photo = root / "people/photos/anna.jpg"
    photo.parent.mkdir(parents=True)
    Image.new("RGB", (4000, 4000), (90, 120, 160)).save(photo, format="JPEG")
    out = tmp_path_factory.mktemp("out")
    [pdf] = build_project(load_project(root), BuildOptions(out_dir=out, format="pdf"))
    return pdf


@pytest.fixture(scope="module")
def letter_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("data") / "delegations")
    options = BuildOptions(
        out_dir=tmp_path_factory.mktemp("out"), format="pdf", render=RenderOptions(paper="letter")
    )
    [pdf] = build_project(load_project(root), options)
    return pdf


def assert_inside_margins(pages: list[Page]) -> None:
    for number, page in enumerate(pages, start=1):
        assert page.words, f"page {number} is blank"
        for word in page.words:
            assert word.x0 >= MARGIN_LEFT - 0.5, f"page {number}: '{word.text}' left of the margin"
            assert word.x1 <= page.width - MARGIN_RIGHT + 0.5, (
                f"page {number}: '{word.text}' runs into the right margin"
            )
            assert word.y0 >= 0 and word.y1 <= page.height, f"page {number}: '{word.text}' off page"


def test_long_names_roles_and_titles_stay_inside_the_margins(stress_pdf: Path) -> None:
    pages = pdf_words(stress_pdf)
    assert_inside_margins(pages)
    text = " ".join(w.text for page in pages for w in page.words)
    assert LONG_FAMILY[:30] in text, "the long name should be printed, broken, not dropped"
    assert "responsible for coordinating all regional programmes" in text


def test_caveat_printed_with_the_marking_centred_top_and_bottom(stress_pdf: Path) -> None:
    marking = ["OFFICIAL-SENSITIVE", "UK", "EYES", "ONLY"]
    for number, page in enumerate(pdf_words(stress_pdf), start=1):
        for band in (
            [w for w in page.words if w.y1 < MARGIN_TOP],
            [w for w in page.words if w.y0 > page.height - MARGIN_BOTTOM and w.text in marking],
        ):
            assert [w.text for w in band] == marking, f"page {number}: {band}"
            centre = (band[0].x0 + band[-1].x1) / 2
            assert abs(centre - text_block_centre(page.width)) < 1, f"page {number}: off centre"


def test_big_photo_is_embedded_at_300_dpi_of_its_printed_size(stress_pdf: Path) -> None:
    sizes = {}
    for page in PdfReader(stress_pdf).pages:
        for image in page.images:  # pages may share one resources dictionary
            ref = image.indirect_reference
            xobject = ref.get_object() if ref is not None else image.image
            key = ref.idnum if ref is not None else id(xobject)
            sizes[key] = (int(xobject["/Width"]), int(xobject["/Height"]))
    assert list(sizes.values()) == [(pixels_for(32), pixels_for(40))] == [(378, 472)]
    assert stress_pdf.stat().st_size < 400_000


def test_bio_shows_the_script_tag_as_text_and_bold_in_bold(stress_pdf: Path) -> None:
    reader = PdfReader(stress_pdf)
    [index] = [i for i, p in enumerate(reader.pages) if "alert(1)" in p.extract_text()]
    text = reader.pages[index].extract_text()
    assert "Said <script>alert(1)</script> and bold things." in " ".join(text.split())
    runs = text_runs(reader, index)
    bold = [r for r in runs if r.text.strip() == "bold"]
    assert bold and all("Bold" in r.font for r in bold), bold
    [script] = [r for r in runs if "<script>" in r.text]
    assert "Bold" not in script.font
    assert "• first point" in text or "first point" in text


def test_precedence_and_support_staff_in_the_delegation_list(stress_pdf: Path) -> None:
    reader = PdfReader(stress_pdf)
    [page] = [
        " ".join(p.extract_text().split())
        for p in reader.pages
        if "Delegations" in p.extract_text() and "Support staff" in p.extract_text()
    ]
    away = page[page.index("Away Federation") :]
    assert away.index("Mr Boris Beta") < away.index("H.E. Ms Anna") < away.index("Support staff")
    assert away.index("Support staff") < away.index("Dora Delta — Interpreter")


def test_greek_and_cyrillic_and_turkish_glyphs_are_printed(stress_pdf: Path) -> None:
    text = " ".join(w.text for page in pdf_words(stress_pdf) for w in page.words)
    assert "Άννα Άλφα" in text


def test_letter_paper(letter_pdf: Path) -> None:
    reader = PdfReader(letter_pdf)
    for page in reader.pages:
        assert (round(page.mediabox.width), round(page.mediabox.height)) == (612, 792)
    pages = pdf_words(letter_pdf)
    assert_inside_margins(pages)
    assert "Page 2 of" in " ".join(w.text for w in pages[1].words)
    assert len(pages) == len(reader.pages)
