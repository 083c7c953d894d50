"""The book's PDF laid out in parts, in parallel processes, and joined (see
:mod:`briefgen.outputs.bookparts` for where a book is cut and why).

First every part is laid out, the first one (cover, contents) with
placeholder page numbers in its contents; then the first part again with the
true numbers, beside the folio documents (the page numbers of every page);
then pikepdf joins them.  Parts are laid out in ``pool`` (a process pool
whose workers forked with WeasyPrint loaded) or, without one, here one after
another, which still bounds the memory of a big book to that of its largest
part.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from briefgen.build.layout import Layout
from briefgen.errors import RenderError
from briefgen.outputs.bookparts import (
    BookParts,
    LaidOut,
    biography_count,
    number_contents,
    page_offsets,
    splice_plan,
    split_book,
    with_css,
)
from briefgen.outputs.cache import PartCache, pdf_key
from briefgen.outputs.folios import Folios, find_folios, folio_html
from briefgen.outputs.numberslots import PLACEHOLDER, number_marks, slots_fit

#: Most biographies in one part: a part's pages stay in memory until it is written.
BIOS_PER_PART = 60

#: Fewest pages worth a folio document of their own (each document costs its set-up).
FOLIO_PAGES_PER_JOB = 40

#: The first part is laid out again while its page count keeps changing, at most this often.
FRONT_ROUNDS = 3


def lay_out_part(**kwargs: Any) -> LaidOut:
    """:func:`briefgen.outputs.pdf.render_part`, imported where it runs
    (:func:`~briefgen.build.layout.lay_out_pdf`)."""
    from briefgen.outputs.pdf import render_part

    return render_part(**kwargs)


def book_parts(html: str, page_starts: Sequence[str], layout: Layout) -> BookParts | None:
    """The parts to lay out ``html`` in, or None when one piece is as good.

    A book is cut when processes are there to lay parts out side by side, or
    when it is big enough for its parts to save memory.
    """
    if layout.pool is None and biography_count(html) <= BIOS_PER_PART:
        return None  # one piece: no processes to share the work, no memory to save
    return split_book(html, page_starts, BIOS_PER_PART, min_parts=max(layout.jobs, 2))


@dataclass
class _Pending:
    """A part being laid out: its cache key ("" when it came from the cache), its HTML, the
    future of its layout and its shape; for a part spliced from an older one, how to finish
    it."""

    key: str
    html: str
    future: Future[Any]
    #: The key its HTML is kept under for the next build's splice (:func:`_shape`), if any.
    shape: str | None = None
    finish: Callable[[LaidOut], LaidOut | None] | None = None


class _Parts:
    """Lays out parts in ``layout``, or takes them from ``store`` when laid out before.

    No part carries the creation date (the join dates the book), so that a
    part stays the same from build to build while its HTML does.  A part of
    biographies whose HTML changed is made from the same part laid out before
    (found by the ids of its biographies) when the pages around the change
    can be laid out alone (:func:`~briefgen.outputs.bookparts.splice_plan`).
    """

    def __init__(self, layout: Layout, render: dict[str, Any], store: PartCache | None) -> None:
        self.layout = layout
        self.store = store
        self._render = {**render, "created": None}
        self._facts = repr(sorted((k, str(v)) for k, v in self._render.items() if k != "timeout"))
        self.used: list[str] = []
        self._made: dict[str, tuple[_Pending, LaidOut]] = {}

    def _key(self, html: str, lead: bool, slots: str | None) -> str:
        """The cache key of a part laid out from ``html`` with these arguments."""
        return pdf_key(html, self._facts, str(slots), str(lead))

    def submit(self, html: str, lead: bool, slots: str | None = None) -> _Pending:
        render = {**self._render, "slots": slots}
        key = self._key(html, lead, slots)
        self.used.append(key)
        shape = _shape(html) if lead and slots is None else None
        if shape is not None:
            self.used.append(shape)
        stored = self.store.get(key) if self.store else None
        if stored is not None:
            with contextlib.suppress(ValueError):
                done: Future[Any] = Future()
                done.set_result(LaidOut.from_bytes(stored))
                return _Pending("", html, done, shape)
        spliced = self._splice(html, shape, render) if shape is not None else None
        if spliced is not None:
            return _Pending(key, html, spliced[0], shape, spliced[1])
        future = self.layout.submit(lay_out_part, html=html, lead=lead, **render)
        return _Pending(key, html, future, shape)

    def _splice(
        self, html: str, shape: str, render: dict[str, Any]
    ) -> tuple[Future[Any], Callable[[LaidOut], LaidOut | None]] | None:
        """The layout of the pages around a change, and how to put them into the old part."""
        from briefgen.outputs.join import splice_part

        if self.store is None or (before := self.store.get(shape)) is None:
            return None
        old_html = before.decode("utf-8", "replace")
        stored = self.store.get(self._key(old_html, True, None))
        if stored is None:
            return None
        try:
            old = LaidOut.from_bytes(stored)
        except ValueError:
            return None
        plan = splice_plan(old_html, old, html)
        if plan is None:
            return None
        future = self.layout.submit(lay_out_part, html=plan.html, lead=True, **render)
        return future, lambda new: splice_part(old, new, plan)

    def result(self, pending: _Pending) -> LaidOut:
        part: LaidOut = pending.future.result()
        if pending.finish is not None:
            spliced = pending.finish(part)
            if spliced is None:  # the change moved the page breaks: the whole part again
                again = self.layout.submit(
                    lay_out_part, html=pending.html, lead=True, **self._render, slots=None
                )
                spliced = again.result()
            part = spliced
        if pending.key:
            self._made[pending.key] = (pending, part)
        return part

    def keep(self) -> None:
        """Store the parts laid out and forget the others (once the whole book is made)."""
        if self.store is not None:
            for key, (pending, part) in self._made.items():
                self.store.put(key, part.to_bytes())
                if pending.shape is not None:
                    self.store.put(pending.shape, pending.html.encode("utf-8"))
            self.store.keep(self.used)


_ARTICLE_ID = re.compile(r'<article class="bio[^"]*" id="([^"]+)"')


def _shape(html: str) -> str | None:
    """The cache key under which the HTML of a part of biographies is kept: its biographies'
    ids (the same part in the next build, whatever changed in them); None for other parts."""
    ids = _ARTICLE_ID.findall(html)
    return pdf_key("\n".join(ids), "part of biographies") if len(ids) > 1 else None


def parted_pdf(
    parts: BookParts,
    layout: Layout,
    render: dict[str, Any],
    on_progress: Callable[[str], None],
    store: PartCache | None = None,
) -> bytes:
    """Lay out ``parts`` with ``render_part`` arguments ``render`` and join them into one PDF.

    Parts laid out before, with the same HTML and arguments, come from ``store``.
    The contents' numbers of other parts' pages are printed by the folio
    documents where the first part left room for them; when they do not fit
    there, the first part is laid out again with them written in.
    """
    folios = find_folios(parts.htmls[0])
    css = folios.parts_css()
    htmls = [with_css(html, css) for html in parts.htmls]
    placeholders = {a: PLACEHOLDER for part in parts.anchors[1:] for a in part}
    work = _Parts(layout, render, store)
    on_progress(f"laying out {len(htmls)} parts")
    first = number_contents(htmls[0], placeholders)
    # The longest parts first, so that the processes finish at about the same time.
    order = sorted(range(len(htmls)), key=lambda i: -len(htmls[i]))
    pending = {
        i: work.submit(htmls[i], lead=True) if i else work.submit(first, False, PLACEHOLDER)
        for i in order
    }
    laid = [work.result(pending[i]) for i in range(len(htmls))]
    created = render.get("created")
    numbers = _page_numbers(laid)
    names = [name for part in laid for name in part.page_names]
    on_progress("numbering the pages")
    if slots_fit(laid[0].slots, numbers, PLACEHOLDER):
        marks = number_marks(laid[0].slots or (), numbers)
        folio_parts = _folios(parts.prefix, folios, names, work, *marks)
        return _join(work, laid, folio_parts, created, on_progress)
    for _ in range(FRONT_ROUNDS):
        front = work.submit(number_contents(htmls[0], numbers), lead=False)
        folio_parts = _folios(parts.prefix, folios, names, work, {}, "")
        numbered = work.result(front)
        if len(numbered.page_names) == len(laid[0].page_names):
            return _join(work, [numbered, *laid[1:]], folio_parts, created, on_progress)
        laid[0] = numbered
        numbers = _page_numbers(laid)
        names = [name for part in laid for name in part.page_names]
        on_progress("numbering the pages")
    raise RenderError("the contents' length kept changing with its page numbers")


def _join(
    work: _Parts,
    laid: Sequence[LaidOut],
    folio_parts: Sequence[_Pending],
    created: datetime | None,
    on_progress: Callable[[str], None],
) -> bytes:
    """The book joined from ``laid`` and the folio documents, its parts kept for next time."""
    from briefgen.outputs.join import join_parts

    pdfs = [work.result(pending).pdf for pending in folio_parts]
    on_progress("joining the parts")
    work.keep()
    return join_parts(laid, pdfs, created)


def _page_numbers(laid: Sequence[LaidOut]) -> dict[str, int]:
    """The page number of each anchor outside the first part, in the joined book."""
    numbers: dict[str, int] = {}
    for part, start in list(zip(laid, page_offsets(laid), strict=True))[1:]:
        for name, (index, _, _) in part.anchors.items():
            numbers.setdefault(name, start + index + 1)
    return numbers


def _folios(
    prefix: str,
    folios: Folios,
    names: Sequence[str],
    work: _Parts,
    marks: dict[int, str],
    marks_css: str,
) -> list[_Pending]:
    """The folio documents for pages named ``names``, cut into one run per process, with
    ``marks`` (by page, styled by ``marks_css``) printed too."""
    if not folios.boxes and not marks:
        return []
    runs = max(1, min(work.layout.jobs, math.ceil(len(names) / FOLIO_PAGES_PER_JOB)))
    size = math.ceil(len(names) / runs)
    return [
        work.submit(
            folio_html(
                prefix,
                folios,
                names[start : start + size],
                start + 1,
                len(names),
                {i - start: mark for i, mark in marks.items() if start <= i < start + size},
                marks_css,
            ),
            lead=start > 0,
        )
        for start in range(0, len(names), size)
    ]
