"""The parts of a book (:mod:`.bookparts`), laid out apart, joined into one PDF with pikepdf.

The first part's document (its metadata, language and identifier) is kept,
dated by the join, and the other parts' pages are appended; each page gets its page number from
the folio documents, laid over it.  The named destinations (what internal
links and ``book.pdf#anchor`` point to) and the outline are made again for
the whole book from what each part reported.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from datetime import UTC, datetime

import pikepdf
from pikepdf.models.metadata import encode_pdf_date

from briefgen.outputs.bookparts import LaidOut, Splice, page_offsets


def join_parts(
    parts: Sequence[LaidOut], folios: Sequence[bytes], created: datetime | None = None
) -> bytes:
    """One PDF from ``parts`` in order, with the pages of ``folios`` (in order) laid over them,
    created and last modified at ``created`` (no date when None)."""
    book = pikepdf.Pdf.open(io.BytesIO(parts[0].pdf))
    if created is not None:
        stamp = pikepdf.String(encode_pdf_date(created.astimezone(UTC)))
        book.docinfo[pikepdf.Name.CreationDate] = stamp
        book.docinfo[pikepdf.Name.ModDate] = stamp
    opened = []
    for part in parts[1:]:
        source = pikepdf.Pdf.open(io.BytesIO(part.pdf))
        opened.append(source)
        with warnings.catch_warnings():
            # The named destinations are made again below, for the whole book.
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            book.pages.extend(source.pages)
    folio_pages = []
    for data in folios:
        source = pikepdf.Pdf.open(io.BytesIO(data))
        opened.append(source)
        folio_pages += list(source.pages)
    if folio_pages and len(folio_pages) != len(book.pages):
        raise ValueError(f"{len(folio_pages)} page numbers for {len(book.pages)} pages")
    for number, (page, folio) in enumerate(zip(book.pages, folio_pages, strict=False), 1):
        _lay_over(book, page, folio, pikepdf.Name(f"/BriefgenFolio{number}"))
    offsets = page_offsets(parts)
    _destinations(book, parts, offsets)
    _outline(book, parts, offsets)
    data = _saved(book)
    for source in opened:
        source.close()
    return data


def _saved(book: pikepdf.Pdf) -> bytes:
    """``book``'s bytes, the same for the same content (a part, or the joined book)."""
    out = io.BytesIO()
    book.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _lay_over(
    book: pikepdf.Pdf, page: pikepdf.Page, folio: pikepdf.Page, name: pikepdf.Name
) -> None:
    """Draw ``folio`` (a page of the same size) over ``page`` as the form XObject ``name``.

    The name is the page's own (a part's pages share one resource dictionary)
    and fixed (pikepdf's ``add_overlay`` picks a random one, and two builds
    would differ).
    """
    form = book.copy_foreign(folio.as_form_xobject())
    page.add_resource(form, pikepdf.Name.XObject, name)
    page.contents_add(pikepdf.Stream(book, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(book, b"\nQ q " + bytes(name.unparse()) + b" Do Q\n"))


def _destinations(book: pikepdf.Pdf, parts: Sequence[LaidOut], offsets: Sequence[int]) -> None:
    """The book's named destinations: each anchor where the part that holds it laid it out."""
    found: dict[str, pikepdf.Array] = {}
    for part, offset in zip(parts, offsets, strict=True):
        for name, (index, x, y) in part.anchors.items():
            if name not in found:
                page = book.pages[offset + index].obj
                found[name] = pikepdf.Array([page, pikepdf.Name.XYZ, x, y, 0])
    names = pikepdf.Array()
    for name in sorted(found):
        names.append(pikepdf.String(name))
        names.append(found[name])
    catalog_names = book.Root.get("/Names", pikepdf.Dictionary())
    catalog_names[pikepdf.Name.Dests] = book.make_indirect(pikepdf.Dictionary(Names=names))
    book.Root[pikepdf.Name.Names] = catalog_names


def _outline(book: pikepdf.Pdf, parts: Sequence[LaidOut], offsets: Sequence[int]) -> None:
    """The outline of the whole book: the parts' entries, nested by level as WeasyPrint does."""
    if "/Outlines" in book.Root:
        del book.Root.Outlines
    with book.open_outline() as outline:
        stack: list[tuple[int, pikepdf.OutlineItem]] = []
        for part, offset in zip(parts, offsets, strict=True):
            for level, label, index, x, y in part.bookmarks:
                item = pikepdf.OutlineItem(
                    label, offset + index, pikepdf.PageLocation.XYZ, left=x, top=y, zoom=0
                )
                while stack and stack[-1][0] >= level:
                    stack.pop()
                (stack[-1][1].children if stack else outline.root).append(item)
                stack.append((level, item))


def splice_part(old: LaidOut, new: LaidOut, plan: Splice) -> LaidOut | None:
    """The part ``plan`` describes: ``old``'s pages with those from ``plan.first`` to
    ``plan.until`` replaced by ``new``'s (laid out from ``plan.html``); None when
    ``plan.until`` no longer begins a page in ``new`` (the change moved the page breaks)."""
    start = old.leads.index(plan.first)
    stop = old.leads.index(plan.until) if plan.until else len(old.leads)
    if not new.leads or new.leads[0] != plan.first:
        return None
    if plan.until is None:
        count = len(new.leads)
    elif plan.until in new.leads:
        count = new.leads.index(plan.until)
    else:
        return None
    shift = start + count - stop
    book = pikepdf.Pdf.open(io.BytesIO(old.pdf))
    source = pikepdf.Pdf.open(io.BytesIO(new.pdf))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        del book.pages[start:stop]
        for offset in range(count):
            book.pages.insert(start + offset, source.pages[offset])
    data = _saved(book)
    source.close()

    def moved(index: int) -> int | None:
        """Where a page of ``old`` goes, None when it was replaced."""
        return index if index < start else index + shift if index >= stop else None

    anchors: dict[str, tuple[int | None, float, float]] = {
        k: (moved(i), x, y) for k, (i, x, y) in old.anchors.items()
    }
    anchors.update({k: (start + i, x, y) for k, (i, x, y) in new.anchors.items() if i < count})
    kept = {k: (i, x, y) for k, (i, x, y) in anchors.items() if i is not None}
    marks = [m for m in old.bookmarks if m[2] < start]
    marks += [(lv, lb, start + i, x, y) for lv, lb, i, x, y in new.bookmarks if i < count]
    marks += [(lv, lb, i + shift, x, y) for lv, lb, i, x, y in old.bookmarks if i >= stop]
    return LaidOut(
        data,
        old.page_names[:start] + new.page_names[:count] + old.page_names[stop:],
        kept,
        tuple(marks),
        (),
        old.leads[:start] + new.leads[:count] + old.leads[stop:],
    )
