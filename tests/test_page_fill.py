"""No near-empty pages in a book with big delegations, read page by page as a reader turns them.

A page is *near-empty* when the body between its running header and footer
holds fewer than three lines of text, or nothing but headings: a section's
title left alone at the foot of a page, a drawing's notes carried over to a
page of their own.  Only the book's last page and the contents' last page
(the contents always ends its page) may be near-empty: the end of any other
section keeps at least three lines together (widows, the last members of a
list), so a shorter page is a fault of the layout, even before a section the
theme starts on a new page.  Lines are the words of ``pdftotext -bbox``
grouped by their vertical position; headings are words set larger than the
book's running text.

The meeting is made up here: two delegations of 30 members with long roles,
the smallest that shows every fault (a delegation list longer than a page, a
seating drawing taller than the page below its heading), with few enough
biographies to lay the book out in one piece.
"""

from __future__ import annotations

import base64
import re
import statistics
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

from briefgen.build.run import build_project
from briefgen.options import BuildOptions
from briefgen.outputs.bookparts import outline
from briefgen.project.load import load_project
from briefgen.render.book import RenderOptions

from .pdfinfo import MM, Page, Word, pdf_words

MEMBERS = 30
GIVEN = ("Anna", "Boris", "Can", "Dora", "Emre", "Fatma", "Gleb", "Hande", "Ilya", "Jale", "Kemal")
FAMILY = ("Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa")
ENDING = ("", "ova", "ides", "escu")
ROLE = "Deputy Minister for Regional Cooperation, Energy Corridors and Transport Agreements"

#: (top, bottom) page margins of each theme (book.css, themes/compact/compact.css): the
#: running header and footer stand there.
MARGINS = {"default": (24 * MM, 24 * MM), "compact": (18 * MM, 16 * MM)}
#: A word this much taller than the book's running text is part of a heading.
HEADING = 1.15
#: Fewer body lines than this make a page near-empty.
MIN_LINES = 3
#: A page the contents runs over from is filled at least this far down its body.
CONTENTS_FILL = 0.8


def family_name(n: int, side: int) -> str:
    """A family name of its own for member ``n`` of side 0 or 1."""
    return FAMILY[n % len(FAMILY)] + ENDING[n // len(FAMILY)] + ("son" if side else "")


def big_meeting(root: Path) -> Path:
    """Two delegations of ``MEMBERS`` people, each with a role that wraps in lists and drawings."""
    people = root / "people"
    people.mkdir(parents=True)
    sides = {"home": "Home Republic", "away": "Away Federation"}
    for number, side in enumerate(sides):
        members = []
        for n in range(MEMBERS):
            person = f"{side}-{n:02d}"
            given, family = GIVEN[n % len(GIVEN)], family_name(n, number)
            (people / f"{person}.yaml").write_text(
                f"name:\n  given: {given}\n  family: {family}\n"
                f"salutation: Mr\noffice: {ROLE} (office {n})\n",
                encoding="utf-8",
            )
            members.append(f"  - person: {person}\n    role: {ROLE} (no. {n + 1})\n")
        (root / "m").mkdir(exist_ok=True)
        (root / "m" / f"{side}.yaml").write_text(
            f"name: {sides[side]}\nmembers:\n{''.join(members)}", encoding="utf-8"
        )
    (root / "m" / "meeting.yaml").write_text(
        "title: Talks between two big delegations\ndate: 2024-05-06\nmarking: OFFICIAL\n"
        "host: home\ndelegations: [home, away]\nobjectives:\n  - Agree the plan.\n"
        "programme:\n  - time: '10:00'\n    end: '11:00'\n    title: Talks\n"
        "topics:\n  - title: Trade\n    background: The background.\n"
        "    points:\n      - A point to make.\n",
        encoding="utf-8",
    )
    return root


@dataclass(frozen=True)
class Book:
    theme: str
    html: str
    pages: list[Page]


@pytest.fixture(scope="module", params=[("default", "a4"), ("compact", "letter")], ids=str)
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Book:
    theme, paper = request.param
    root = big_meeting(tmp_path_factory.mktemp("data") / "delegations")
    out = tmp_path_factory.mktemp("out")
    project = load_project(root)
    render = RenderOptions(paper=paper)
    [html] = build_project(project, BuildOptions(out, "html", render=render, theme=theme))
    [pdf] = build_project(project, BuildOptions(out, "pdf", render=render, theme=theme))
    return Book(theme, html.read_text(encoding="utf-8"), pdf_words(pdf))


def body_lines(page: Page, theme: str) -> list[list[Word]]:
    """The words between the page margins, grouped into lines from the top."""
    top, bottom = MARGINS[theme]
    words = sorted(
        (w for w in page.words if top <= (w.y0 + w.y1) / 2 <= page.height - bottom),
        key=lambda w: (w.y0 + w.y1) / 2,
    )
    lines: list[list[Word]] = []
    for word in words:
        middle = (word.y0 + word.y1) / 2
        if lines and middle - (lines[-1][0].y0 + lines[-1][0].y1) / 2 < 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def squeeze(text: str) -> str:
    """Text compared without spaces, punctuation or case (the contents of a heading is
    the same whether the PDF spaces a topic's number or capitalises a title)."""
    return re.sub(r"\W", "", text).casefold()


def first_after_contents(html: str) -> str:
    """The heading of the first section after the contents, which always ends its page."""
    body = outline(html)
    assert body is not None
    contents = next(i for i, e in enumerate(body.children) if e.has("contents"))
    section = next(e for e in body.children[contents + 1 :] if e.tag == "section")
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", html[section.start : section.end], re.S)
    assert heading, f"no heading in {html[section.start : section.start + 80]}"
    return squeeze(unescape(re.sub(r"<[^>]+>", "", heading[1])))


def line_text(line: list[Word]) -> str:
    return " ".join(w.text for w in line)


def contents_pages(book: Book) -> list[tuple[Page, list[list[Word]]]]:
    """The pages of the contents, each with its body's lines."""
    lines = [body_lines(page, book.theme) for page in book.pages]
    start = next(
        i
        for i, page in enumerate(lines)
        if any(squeeze(line_text(ln)) == "contents" for ln in page)
    )
    after = first_after_contents(book.html)
    end = next(
        i
        for i in range(start + 1, len(lines))
        if lines[i] and squeeze(line_text(lines[i][0])).startswith(after)
    )
    return list(zip(book.pages[start:end], lines[start:end], strict=True))


def near_empty_pages(book: Book) -> list[str]:
    """Each near-empty page the book does not mean to end early, with what it holds."""
    heights = [w.y1 - w.y0 for page in book.pages for w in page.words]
    running = statistics.median(heights)
    lines = [body_lines(page, book.theme) for page in book.pages]
    start = first_after_contents(book.html)
    found = []
    for index, page_lines in enumerate(lines[:-1]):
        following = lines[index + 1]
        if following and squeeze(line_text(following[0])).startswith(start):
            continue
        headings_only = all(
            all(w.y1 - w.y0 > HEADING * running for w in line) for line in page_lines
        )
        if len(page_lines) < MIN_LINES or headings_only:
            text = " / ".join(line_text(line) for line in page_lines)
            found.append(f"page {index + 1}: {text or '(blank)'}")
    return found


def test_the_meeting_is_big_enough_to_show_the_faults(book: Book) -> None:
    """A list that cannot be kept on one page, and a drawing taller than the page body."""
    pages = [" ".join(w.text for w in p.words) for p in book.pages]
    first = [i for i, text in enumerate(pages) if "Mr Anna Alpha —" in text]
    last = [
        i for i, text in enumerate(pages) if f"Mr Hande {family_name(MEMBERS - 1, 0)} —" in text
    ]
    assert first and last and first[0] < last[0], "the host's list fits on one page"
    uri = re.search(r'class="seating-plan" src="data:image/svg\+xml;base64,([^"]+)"', book.html)
    assert uri, "no seating drawing"
    height = re.search(r'<svg[^>]* height="([\d.]+)mm"', base64.b64decode(uri[1]).decode())
    assert height
    top, bottom = MARGINS[book.theme]
    body = (book.pages[0].height - top - bottom) / MM
    assert float(height[1]) > body, f"the drawing ({height[1]} mm) fits the page ({body:.0f} mm)"


def test_no_near_empty_pages(book: Book) -> None:
    assert not near_empty_pages(book)


def test_the_contents_fills_each_page_it_runs_over(book: Book) -> None:
    """A contents longer than a page fills each page but its last: the biographies' long run
    of entries goes on over the next page, as a paragraph's lines do, rather than moving
    whole and leaving the page before it mostly blank; and no entry goes over alone."""
    pages = contents_pages(book)
    assert len(pages) > 1, "the contents fits on one page"
    top, bottom = MARGINS[book.theme]
    for page, lines in pages[:-1]:
        fill = (max(w.y1 for w in lines[-1]) - top) / (page.height - top - bottom)
        assert fill >= CONTENTS_FILL, f"{fill:.0%} of the page, down to {line_text(lines[-1])!r}"
    assert len(pages[-1][1]) >= MIN_LINES, [line_text(line) for line in pages[-1][1]]


def test_the_seating_plan_stands_on_one_page_with_its_heading_and_notes(book: Book) -> None:
    """The whole drawing inside the page body: every seated name is on the heading's page."""
    [page] = [
        p
        for p in book.pages
        if any(squeeze(line_text(line)) == "seatingplan" for line in body_lines(p, book.theme))
    ]
    text = " ".join(line_text(line) for line in body_lines(page, book.theme))
    missing = [
        family_name(n, side)
        for side in (0, 1)
        for n in range(MEMBERS)
        if f"Mr {family_name(n, side)}" not in text
    ]
    assert not missing, f"not on the page of the seating plan: {missing}"
    assert "The guests face the entrance." in text or "The host faces the entrance." in text
