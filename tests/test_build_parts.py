"""The book laid out in parts, side by side, and joined (build.bookpdf, outputs.bookparts/join);
the place cards and pocket list laid out in the same pool (build.run)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from briefgen.build import bookpdf
from briefgen.build.layout import Layout
from briefgen.build.meeting import book_html, render_outputs
from briefgen.build.run import Event, build_project, plan_meeting, render_meeting
from briefgen.options import BuildOptions, resolve_options
from briefgen.outputs.bookparts import number_contents, split_book
from briefgen.outputs.folios import find_folios, folio_html
from briefgen.outputs.numberslots import NumberSlot, number_marks, slots_fit
from briefgen.project.load import Project, load_project

from .conftest import EXAMPLE, EXAMPLE_MEETING, SUMMIT_MEETING, DataTree, require_tool

ALL = ["book.html", "book.pdf", "seating.svg", "place-cards.pdf", "pocket.pdf"]
DEFAULT_STARTS = ("first-topic", "biographies")


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    from briefgen.outputs import pdf  # noqa: F401  (forked workers inherit WeasyPrint)

    with ProcessPoolExecutor(2) as executor:
        yield executor


@pytest.fixture(scope="module")
def summit() -> tuple[Project, str]:
    project = load_project(EXAMPLE)
    [record] = [m for m in project.meetings if m.folder == SUMMIT_MEETING]
    options = resolve_options(project, BuildOptions(out_dir=Path("unused")))
    return project, book_html(project, record, options)


def _book_pdf(project: Project, layout: Layout, out: Path) -> Path:
    [record] = [m for m in project.meetings if m.folder == SUMMIT_MEETING]
    options = resolve_options(project, BuildOptions(out_dir=out, format="pdf"))
    [(path, data)] = render_outputs(project, record, options, layout=layout)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _pages_text(path: Path) -> list[str]:
    pdftotext = require_tool("pdftotext")
    text = subprocess.run(
        [pdftotext, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def test_the_book_is_cut_after_the_contents_and_where_the_theme_starts_pages(
    summit: tuple[Project, str],
) -> None:
    _, html = summit
    parts = split_book(html, DEFAULT_STARTS, bios_per_part=100)
    assert parts is not None
    front, programme, topics, bios = parts.htmls
    assert 'id="cover"' in front and 'id="contents"' in front and 'id="programme"' not in front
    assert 'id="programme"' in programme and 'id="objectives"' in programme
    assert 'id="topic-1"' in topics and 'id="delegations"' in topics
    assert 'id="biographies"' in bios and 'id="press"' in bios
    assert bios.count('class="furniture"') == 1 and "briefgen-lead" in bios
    assert "briefgen-lead" not in front
    assert "bio-hassan-rouhani" in parts.anchors[3] and "cover" in parts.anchors[0]
    # Without the contents there is nothing to number: one piece.
    assert split_book(html.replace('class="contents" id="contents"', 'id="toc"'), (), 100) is None


def test_biographies_are_cut_where_the_delegation_changes(summit: tuple[Project, str]) -> None:
    _, html = summit
    parts = split_book(html, DEFAULT_STARTS, bios_per_part=2)
    assert parts is not None
    runs = [h for h in parts.htmls if "<article" in h]
    assert len(runs) >= 3
    for run in runs:
        delegations = re.findall(r'class="bio-delegation">([^<]*)<', run)
        # Each run begins with a new delegation, or a run of one delegation is cut in the middle.
        assert delegations
    heads = [re.findall(r'class="bio-delegation">([^<]*)<', run)[0] for run in runs]
    assert len(set(heads)) >= 3
    articles = sum(run.count("<article") for run in runs)
    assert articles == html.count("<article")


def test_page_number_boxes_are_found_in_the_themes_css(summit: tuple[Project, str]) -> None:
    _, html = summit
    folios = find_folios(html)
    assert folios.boxes == {("", "bottom-right")}
    assert ("", "bottom-left") in folios.every_box
    assert folios.parts_css() == "@page { @bottom-right { content: none; } }\n"
    assert "@page { @bottom-left { content: none; } }" in folios.folio_css()
    assert "@page { @bottom-right" not in folios.folio_css()
    document = folio_html(html[: html.index("<section")], folios, ["", "summit-a3"], 5, 40)
    assert '"40"' in document and "counter-reset: page 4" in document
    assert "page: summit-a3" in document and "briefgen-lead" in document


def test_contents_links_get_the_page_numbers_of_other_parts(summit: tuple[Project, str]) -> None:
    _, html = summit
    parts = split_book(html, DEFAULT_STARTS, bios_per_part=100)
    assert parts is not None
    numbered = number_contents(parts.htmls[0], {"bio-hassan-rouhani": 9})
    assert '<a data-page="9" href="#bio-hassan-rouhani">' in numbered
    assert '<a data-page="9" class="toc-page" href="#bio-hassan-rouhani"' in numbered
    assert numbered.count(' data-page="') == 2


def test_parts_make_the_same_book_as_one_piece(
    summit: tuple[Project, str], pool: ProcessPoolExecutor, tmp_path: Path
) -> None:
    project, _ = summit
    whole = _book_pdf(project, Layout(), tmp_path / "whole")
    parted = _book_pdf(project, Layout(pool, 2), tmp_path / "parts")
    assert _pages_text(parted) == _pages_text(whole)
    readers = [PdfReader(whole), PdfReader(parted)]
    outlines = [_outline(reader) for reader in readers]
    assert outlines[0] == outlines[1] and len(outlines[0]) > 10
    assert sorted(readers[0].named_destinations) == sorted(readers[1].named_destinations)
    assert _links(readers[1]) == _links(readers[0])
    pdftoppm = require_tool("pdftoppm")
    for path in (whole, parted):
        subprocess.run([pdftoppm, "-png", "-r", "30", str(path), str(path.with_suffix(""))])
    from PIL import Image, ImageChops

    for page in sorted(tmp_path.glob("whole/**/book-*.png")):
        other = tmp_path / "parts" / page.relative_to(tmp_path / "whole")
        difference = ImageChops.difference(Image.open(page), Image.open(other))
        assert difference.getbbox() is None, page.name


def _outline(reader: PdfReader) -> list[tuple[int, str, int | None]]:
    def walk(items: list[object], depth: int) -> Iterator[tuple[int, str, int | None]]:
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, str(item.title), reader.get_destination_page_number(item)  # type: ignore[attr-defined]

    return list(walk(reader.outline, 0))


def _links(reader: PdfReader) -> list[tuple[int, str, int | None]]:
    """Each internal link: its page, its target and the page the target is on."""
    destinations = reader.named_destinations
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []) or []:
            link = annotation.get_object()
            if "/Dest" in link:
                name = str(link["/Dest"])
                target = destinations.get(name)
                where = reader.get_destination_page_number(target) if target else None
                found.append((number, name, where))
    return found


def test_a_book_in_many_parts_numbers_every_page_and_its_contents(
    summit: tuple[Project, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Laid out here, one part after another, as a big book is without a pool."""
    project, _ = summit
    monkeypatch.setattr(bookpdf, "BIOS_PER_PART", 2)
    monkeypatch.setattr(bookpdf, "FOLIO_PAGES_PER_JOB", 3)
    path = _book_pdf(project, Layout(), tmp_path)
    pages = _pages_text(path)
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in text
    assert "Page 1 of" not in pages[0]
    lines = re.findall(r"^\s*(\S.*?\S)\s{2,}(\d+)\s*$", pages[1], re.M)
    assert len(lines) > 10
    for title, number in lines:
        assert title.split()[-1] in pages[int(number) - 1], (title, number)
    assert all(target is not None for _, _, target in _links(PdfReader(path)))


def test_one_meeting_on_two_processes_writes_every_output_once(
    data_tree: DataTree, tmp_path: Path
) -> None:
    project = load_project(data_tree())
    events: list[Event] = []
    options = BuildOptions(out_dir=tmp_path / "out", format="all", jobs=2)
    written = build_project(project, options, progress=events.append)
    assert sorted(p.name for p in written) == sorted(ALL)
    assert [e.kind for e in events if e.kind in ("built", "failed")] == ["built"]
    for path in written:
        if path.suffix == ".pdf":
            assert len(PdfReader(path).pages) >= 1
    again: list[Event] = []
    assert build_project(project, options, progress=again.append) == []
    assert [e.kind for e in again] == ["up to date"]


class _DeadPool(ThreadPoolExecutor):
    """A pool whose worker processes died: every task ends in BrokenProcessPool."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(BrokenProcessPool("a process died abruptly"))
        return future


def test_a_dead_layout_process_fails_the_meeting_with_a_sentence(
    data_tree: DataTree, tmp_path: Path
) -> None:
    project = load_project(data_tree())
    options = resolve_options(project, BuildOptions(out_dir=tmp_path / "out", format="pdf"))
    [record] = project.meetings
    job = plan_meeting(project, record, options, None, None)
    with _DeadPool() as dead:
        result = render_meeting(job, Layout(dead, 2))
    assert result.error is not None and result.error.startswith("the worker process died")
    assert result.outputs == []


def _count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every part laid out from now on (here, in this process): its ``render_part`` arguments."""
    calls: list[dict[str, Any]] = []
    real = bookpdf.lay_out_part

    def counted(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(bookpdf, "lay_out_part", counted)
    return calls


def test_the_contents_are_laid_out_once_and_numbered_over_the_page(
    summit: tuple[Project, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first part is not laid out again once the others' page counts are known: its
    placeholders are taken out of the page and the folio documents print the numbers."""
    project, _ = summit
    monkeypatch.setattr(bookpdf, "BIOS_PER_PART", 2)
    calls = _count_layouts(monkeypatch)
    path = _book_pdf(project, Layout(), tmp_path)
    fronts = [call for call in calls if 'id="contents"' in call["html"]]
    assert len(fronts) == 1 and fronts[0]["slots"] == bookpdf.PLACEHOLDER
    pages = _pages_text(path)
    assert not any(bookpdf.PLACEHOLDER in page for page in pages)
    lines = re.findall(r"^\s*(\S.*?\S)\s{2,}(\d+)\s*$", pages[1], re.M)
    assert len(lines) > 10
    for title, number in lines:
        assert title.split()[-1] in pages[int(number) - 1], (title, number)


def test_numbers_fit_the_placeholders_of_as_many_digits() -> None:
    slots = (NumberSlot(0, "a", 100.0, 20.0, ""), NumberSlot(1, "b", 100.0, 40.0, ""))
    assert slots_fit(slots, {"a": 9, "b": 999}, "888")
    assert not slots_fit(slots, {"a": 9, "b": 1000}, "888")
    assert not slots_fit(slots, {"a": 9}, "888")  # no number for b
    assert not slots_fit(None, {"a": 9, "b": 10}, "888")  # the theme prints it in other text
    marks, css = number_marks(slots, {"a": 9, "b": 12})
    assert list(marks) == [0, 1] and ">12</div>" in marks[1] and css.count("{") == 1


def test_numbers_that_do_not_fit_have_the_contents_laid_out_again(
    summit: tuple[Project, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the numbers cannot be printed where the placeholders were (wider, or printed
    inside other text), the first part is laid out again with them written in."""
    project, _ = summit
    monkeypatch.setattr(bookpdf, "BIOS_PER_PART", 2)
    monkeypatch.setattr(bookpdf, "slots_fit", lambda *args: False)
    calls = _count_layouts(monkeypatch)
    path = _book_pdf(project, Layout(), tmp_path)
    fronts = [call for call in calls if 'id="contents"' in call["html"]]
    assert [call["slots"] for call in fronts] == [bookpdf.PLACEHOLDER, None]
    pages = _pages_text(path)
    lines = re.findall(r"^\s*(\S.*?\S)\s{2,}(\d+)\s*$", pages[1], re.M)
    assert len(lines) > 10
    for title, number in lines:
        assert title.split()[-1] in pages[int(number) - 1], (title, number)


def test_a_new_build_date_lays_out_no_part_again(
    summit: tuple[Project, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parts carry no date (the join dates the book), so a draft rebuilt a minute later,
    its data unchanged, takes every part from the cache."""
    from datetime import UTC, datetime

    from briefgen.outputs.cache import PartCache
    from briefgen.project.config import asset_folders

    project, html = summit
    parts = split_book(html, DEFAULT_STARTS, bios_per_part=4)
    assert parts is not None
    [record] = [m for m in project.meetings if m.folder == SUMMIT_MEETING]
    render: dict[str, Any] = {
        "base_dir": record.folder,
        "allowed": asset_folders(project.root, record.folder, None),
        "identifier": record.id,
        "timeout": None,
    }
    store = PartCache(tmp_path / "parts")
    first = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    bookpdf.parted_pdf(parts, Layout(), {**render, "created": first}, print, store)
    calls = _count_layouts(monkeypatch)
    later = datetime(2026, 1, 2, 3, 5, 0, tzinfo=UTC)
    again = bookpdf.parted_pdf(parts, Layout(), {**render, "created": later}, print, store)
    assert calls == []
    info = PdfReader(io.BytesIO(again)).metadata
    assert info is not None and info["/CreationDate"].startswith("D:20260102030500")


def test_a_build_with_a_layout_pool_never_imports_weasyprint_itself(data_tree: DataTree) -> None:
    """The layout processes import the PDF engine; the build hands them HTML."""
    root = data_tree()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from briefgen.build.run import build_project\n"
        "from briefgen.build.workers import layout_pool\n"
        "from briefgen.options import BuildOptions\n"
        "from briefgen.project.load import load_project\n"
        f"project = load_project(Path({str(root)!r}))\n"
        f"options = BuildOptions(out_dir=Path({str(root / 'out')!r}), format='all', jobs=2)\n"
        "with layout_pool(2) as pool:\n"
        "    written = build_project(project, options, pool=pool)\n"
        "print(sorted(p.name for p in written), 'weasyprint' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"{sorted(ALL)} False"


@pytest.mark.parametrize(
    ("content", "taken"), [("attr(data-page)", True), ('"page " attr(data-page)', False)]
)
def test_placeholders_are_taken_out_only_when_printed_alone(
    tmp_path: Path, content: str, taken: bool
) -> None:
    from briefgen.outputs.pdf import render_part

    html = (
        "<html><head><style>@page { size: A6; margin: 10mm } "
        f".n::after {{ content: {content} }}</style></head><body>"
        '<p>Intro</p><p id="here">Contents <a class="n" href="#there" data-page="888"></a></p>'
        "</body></html>"
    )
    part = render_part(html, base_dir=tmp_path, allowed=[tmp_path], slots="888")
    text = PdfReader(io.BytesIO(part.pdf)).pages[0].extract_text()
    if taken:
        assert part.slots is not None and [s.target for s in part.slots] == ["there"]
        [slot] = part.slots
        assert slot.page == 0 and slot.top > 10 and slot.right > 50 and "font-size" in slot.style
        assert "888" not in text and "Contents" in text
    else:
        assert part.slots is None and "page 888" in text


def _example_book(root: Path, out: Path, store: Any) -> Path:
    """The 2017 example's book laid out here, its parts kept in ``store``."""
    project = load_project(root)
    [record] = [m for m in project.meetings if m.folder.name == EXAMPLE_MEETING.name]
    options = resolve_options(project, BuildOptions(out_dir=out, format="pdf"))
    [(path, data)] = render_outputs(project, record, options, layout=Layout(), part_cache=store)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _same_pages(one: Path, other: Path) -> None:
    """The two PDFs print the same pages (text, and pixels at 30 dpi)."""
    assert _pages_text(one) == _pages_text(other)
    pdftoppm = require_tool("pdftoppm")
    for path in (one, other):
        subprocess.run([pdftoppm, "-png", "-r", "30", str(path), str(path.with_suffix(""))])
    from PIL import Image, ImageChops

    ones = sorted(one.parent.glob(f"{one.stem}-*.png"))
    assert len(ones) == len(list(other.parent.glob(f"{other.stem}-*.png"))) > 5
    for page in ones:
        twin = other.parent / page.name
        assert ImageChops.difference(Image.open(page), Image.open(twin)).getbbox() is None


@pytest.mark.parametrize(("before", "after"), [(0, 1), (40, 0)])
def test_a_changed_biography_lays_out_only_the_pages_around_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: int, after: int
) -> None:
    """Only the pages from the last page break before the change to the first one after it
    are laid out again, and put between the old part's pages; when the change moves that
    page break (a long bio made short), the whole part is laid out again.  Either way the
    book is the one a build without the cache makes."""
    from briefgen.outputs.cache import PartCache

    root = tmp_path / "delegations"
    shutil.copytree(EXAMPLE, root)
    monkeypatch.setattr(bookpdf, "BIOS_PER_PART", 6)
    bio = root / "people" / "alexei-miller.yaml"
    text = bio.read_text(encoding="utf-8")

    def sentences(count: int) -> None:
        more = " ".join(["He chairs the board's strategy committee."] * count)
        bio.write_text(text + f"  {more}\n", encoding="utf-8")

    sentences(before)
    store = PartCache(tmp_path / "parts")
    _example_book(root, tmp_path / "before", store)
    sentences(after)
    calls = _count_layouts(monkeypatch)
    spliced = _example_book(root, tmp_path / "spliced", store)
    laid = [call["html"] for call in calls if "bio-alexei-miller" in call["html"]]
    assert "bio-alexei-miller" in laid[0] and "bio-alexei-erkhov" not in laid[0]
    assert "bio-vladimir-putin" not in laid[0]
    if before < after:
        assert len(laid) == 1  # the pages around the change, put into the old part
    else:
        assert len(laid) == 2 and "bio-alexei-erkhov" in laid[1]  # then the whole part
    fresh = _example_book(root, tmp_path / "fresh", None)
    _same_pages(spliced, fresh)


def test_a_splice_takes_the_page_breaks_around_the_change() -> None:
    from briefgen.outputs.bookparts import LEAD_PAGE, LaidOut, splice_plan

    def part(*texts: str) -> str:
        articles = "".join(
            f'<article class="bio" id="b{n}"><p>{text}</p></article>'
            for n, text in enumerate(texts, 1)
        )
        body = f'{LEAD_PAGE}<section class="biographies">{articles}</section>'
        return f"<html><head></head><body>{body}</body></html>\\n"

    old_html = part("one", "two", "three", "four", "five")
    # Pages begin with b1, with the rest of b2, with b4.
    old = LaidOut(b"", ("", "", ""), {}, (), (), ("b1", "", "b4"))
    plan = splice_plan(old_html, old, part("one", "two", "THREE", "four", "five"))
    assert plan is not None and (plan.first, plan.until) == ("b1", "b4")
    assert "THREE" in plan.html and "five" not in plan.html and plan.html.count("<article") == 4
    plan = splice_plan(old_html, old, part("one", "two", "three", "four", "FIVE"))
    assert plan is not None and (plan.first, plan.until) == ("b4", None)
    assert plan.html.count("<article") == 2 and "</body></html>" in plan.html
    assert splice_plan(old_html, old, old_html) is None
    head_changed = old_html.replace("<head>", "<head><title>x</title>")
    assert splice_plan(old_html, old, head_changed) is None


def test_the_pool_gets_the_longest_document_waiting_first() -> None:
    """Work goes to the pool as processes free up, the longest HTML first: the place cards
    queued after the book's big parts still go before its small ones."""
    import threading

    started = threading.Event()
    release = threading.Event()
    order: list[int] = []

    def work(html: str) -> int:
        started.set()
        release.wait(10)
        order.append(len(html))
        return len(html)

    with ThreadPoolExecutor(1) as pool:
        layout = Layout(pool, 1)
        first = layout.submit(work, html="x" * 5)
        assert started.wait(10)
        later = [layout.submit(work, html="x" * size) for size in (10, 30, 20)]
        release.set()
        assert [f.result(10) for f in (first, *later)] == [5, 10, 30, 20]
    assert order == [5, 30, 20, 10]
