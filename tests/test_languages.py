"""Localised books: catalogues, dates and labels in the PDF for each shipped language."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, time
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader

from briefgen.build.run import build_project
from briefgen.lint import check_project
from briefgen.options import BuildOptions
from briefgen.project.load import load_project
from briefgen.project.themes import THEMES, TemplateSet, builtin_templates
from briefgen.render.book import make_environment, render_book
from briefgen.render.i18n import (
    SHIPPED_LANGUAGES,
    format_long_date,
    format_timezone,
    missing_labels,
    template_labels,
    upper,
)

from .conftest import BILATERAL_ONLY, EXAMPLE, DataTree, require_tool
from .pdfinfo import outline

#: Per language: the cover date, "page 2 of N", and labels that must be in the PDF text.
EXPECTED = {
    "ru": (
        "четверг, 28 сентября 2017 г.",
        "Страница 2 из {pages}",
        ["Содержание", "Тезисы для беседы", "(принимающая сторона)", "(64 года на день встречи)"],
    ),
    "tr": (
        "28 Eylül 2017 Perşembe",
        "Sayfa 2 / {pages}",
        ["İçindekiler", "Dile getirilecek hususlar", "Gündeme gelirse", "İstanbul, GMT+03:00"],
    ),
    "fr": (
        "jeudi 28 septembre 2017",
        "Page 2 sur {pages}",
        ["Sommaire", "Éléments de langage", "Contexte", "(64 ans à la date de la réunion)"],
    ),
}
#: The theme each language is built with, so both themes are built once.
THEME = {"ru": "default", "tr": "default", "fr": "compact"}
SECTION = {"ru": "Делегации", "tr": "Heyetler", "fr": "Délégations"}


def example_in(language: str, target: Path) -> Path:
    """A copy of the example data with ``language:`` changed."""
    shutil.copytree(EXAMPLE, target, ignore=BILATERAL_ONLY)
    meeting = target / "2017-09-28-ankara" / "meeting.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("language: en\n", f"language: {language}\n"), "utf-8")
    return target


@pytest.fixture(scope="module")
def localised_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example book built once in each non-English shipped language."""
    pdfs = {}
    for language in EXPECTED:
        root = example_in(language, tmp_path_factory.mktemp(language) / "delegations")
        options = BuildOptions(out_dir=root.parent / "out", format="pdf", theme=THEME[language])
        [pdfs[language]] = build_project(load_project(root), options)
    return pdfs


def pdf_text(pdf: Path) -> str:
    tool = require_tool("pdftotext")
    return subprocess.run(
        [tool, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_every_shipped_catalogue_translates_every_label_of_both_themes() -> None:
    for theme in THEMES:
        templates = TemplateSet(theme=theme)
        assert len(template_labels(templates)) >= 25
        for language in SHIPPED_LANGUAGES:
            assert missing_labels(templates, language)[1] == [], (language, theme)


def test_catalogues_keep_their_placeholders() -> None:
    for language in SHIPPED_LANGUAGES[1:]:
        path = builtin_templates() / "locale" / f"{language}.po"
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = sorted(re.findall(r"%\(\w+\)\w|\{\w+\}", msgid))
            for string in strings:
                assert sorted(re.findall(r"%\(\w+\)\w|\{\w+\}", string)) == wanted, (
                    f"{path.name}: '{string}' must keep {wanted}"
                )


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_pdf_has_translated_labels_and_dates(
    language: str, localised_pdfs: dict[str, Path]
) -> None:
    pdf = localised_pdfs[language]
    text = pdf_text(pdf)
    pages = len(PdfReader(pdf).pages)
    day, page_two, labels = EXPECTED[language]
    assert day in text
    assert page_two.format(pages=pages) in text
    words = " ".join(text.split()).casefold()  # the compact theme sets headings in capitals
    for label in labels:
        assert label.casefold() in words, f"{language}: '{label}' is not in the PDF"
    assert "Points to make" not in text
    titles = [title for title, _, _ in outline(PdfReader(pdf))]
    assert SECTION[language] in titles, "the PDF outline is in the book's language too"
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == language


def test_russian_weekday_of_the_meeting() -> None:
    assert format_long_date(date(2017, 9, 28), "ru").startswith("четверг")


def test_turkish_capitals_keep_the_dot_on_i(localised_pdfs: dict[str, Path]) -> None:
    """CSS text-transform and the marking follow Turkish rules: i → İ, not I."""
    assert upper("gizli", "tr") == "GİZLİ"
    assert upper("gizli", "en") == "GIZLI"
    letters = "".join(pdf_text(localised_pdfs["tr"]).split())  # letter-spaced on the cover
    assert "BRİFİNGDOSYASI" in letters


def test_time_zone_is_named_in_the_books_language() -> None:
    assert format_timezone("Europe/Istanbul", date(2017, 9, 28), time(14), "ru") == (
        "Стамбул, GMT+03:00"
    )
    assert format_timezone("UTC", date(2017, 9, 28), None, "en") == "GMT+00:00"


def test_compact_theme_is_letter_and_shorter(localised_pdfs: dict[str, Path]) -> None:
    reader = PdfReader(localised_pdfs["fr"])
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert len(reader.pages) < 12, "the compact theme runs topics and biographies on"


PARTIAL_FR = """\
msgid ""
msgstr ""
"Language: fr\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"

msgid "Points to make"
msgstr "Messages à faire passer"
"""


def test_user_catalogue_overrides_and_missing_labels_fall_back_to_english(
    data_tree: DataTree,
) -> None:
    root = data_tree(
        **{
            "m/meeting.yaml": "title: T\ndate: 2020-01-02\nmarking: OFFICIAL\nlanguage: fr\n"
            "delegations: [home, away]\ntopics:\n  - title: X\n    points: [a]\n"
            "    if_raised: [b]\n",
            "templates/locale/fr.po": PARTIAL_FR,
        }
    )
    project = load_project(root)
    [warning] = [p for p in check_project(project) if p.code == "BG412"]
    assert warning.message.startswith(f"{len(template_labels(project.templates)) - 1} label(s)")
    assert "French" in warning.message
    html = render_book(project.meetings[0], make_environment(project.template_dir))
    assert "<h3>Messages à faire passer</h3>" in html
    assert "<h3>If raised</h3>" in html, "a label the catalogue lacks prints in English"
    assert "jeudi 2 janvier 2020" in html, "dates come from Babel whatever the catalogue"


def test_english_labels_can_be_renamed_by_a_user_catalogue(data_tree: DataTree) -> None:
    en = PARTIAL_FR.replace('"Language: fr', '"Language: en').replace(
        'msgid "Points to make"\nmsgstr "Messages à faire passer"',
        'msgid "Programme"\nmsgstr "Schedule"',
    )
    root = data_tree(**{"templates/locale/en.po": en})
    project = load_project(root)
    assert not [p for p in check_project(project) if p.code == "BG412"]
    html = render_book(project.meetings[0], make_environment(project.template_dir))
    assert '<h2 class="section-title">Schedule</h2>' in html
    assert '<span class="toc-title"><a href="#programme">Schedule</a></span>' in html


def test_unknown_language_code_is_an_error(data_tree: DataTree) -> None:
    from briefgen.errors import ValidationFailed

    root = data_tree(
        **{
            "m/meeting.yaml": "title: T\ndate: 2020-01-02\nmarking: OFFICIAL\nlanguage: xx\n"
            "delegations: [home, away]\n"
        }
    )
    with pytest.raises(ValidationFailed) as caught:
        load_project(root)
    [problem] = caught.value.problems
    assert problem.code == "BG211"
    assert "'xx' is not a language code" in problem.message


def test_a_language_without_catalogue_prints_english_labels_and_local_dates(
    data_tree: DataTree,
) -> None:
    root = data_tree(
        **{
            "m/meeting.yaml": "title: T\ndate: 2020-01-02\nmarking: OFFICIAL\nlanguage: de\n"
            "delegations: [home, away]\n"
        }
    )
    project = load_project(root)
    assert [p.code for p in check_project(project) if p.code == "BG412"] == ["BG412"]
    html = render_book(project.meetings[0], make_environment())
    assert "Donnerstag, 2. Januar 2020" in html
    assert '<h2 id="contents-title">Contents</h2>' in html
