"""What the laid-out pages of a book's part tell the join (:mod:`.join`) and the next build.

Read from WeasyPrint's pages (passed in: only :mod:`.pdf` imports WeasyPrint):
each page's name, the anchors and outline entries in PDF points, and the
element each page begins with (what :func:`.bookparts.splice_plan` needs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def part_facts(pages: Sequence[Any], text: tuple[type, ...]) -> dict[str, Any]:
    """The page names, anchors, outline entries and page leads of WeasyPrint's laid-out
    ``pages`` (``text``: the classes of its line and text boxes), in PDF points."""
    anchors: dict[str, tuple[int, float, float]] = {}
    bookmarks = []
    names = []
    for index, page in enumerate(pages):
        height = page.height
        for name, (x, y, *_) in page.anchors.items():
            anchors.setdefault(name, (index, x * 0.75, (height - y) * 0.75))
        for level, label, (x, y), _state in page.bookmarks:
            bookmarks.append((level, label, index, x * 0.75, (height - y) * 0.75))
        page_type = getattr(page._page_box, "page_type", None)
        names.append(str(getattr(page_type, "name", "") or ""))
    leads = tuple(page_lead(page, index, anchors, text) for index, page in enumerate(pages))
    return {
        "page_names": tuple(names),
        "anchors": anchors,
        "bookmarks": tuple(bookmarks),
        "leads": leads,
    }


def page_lead(page: Any, index: int, anchors: dict[str, Any], text: tuple[type, ...]) -> str:
    """The ``id`` of the element the page begins with: going down the first children, the
    first element with an ``id`` that begins on this page ("" when text comes first)."""
    box = page._page_box.children[0] if page._page_box.children else None
    while box is not None and not isinstance(box, text):
        element = getattr(box, "element", None)
        ident = element.get("id") if element is not None else None
        if ident and anchors.get(ident, (-1,))[0] == index:
            return str(ident)
        children = [child for child in getattr(box, "children", ()) if child.is_in_normal_flow()]
        box = children[0] if children else None
    return ""
