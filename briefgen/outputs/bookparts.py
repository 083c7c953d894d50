"""The book's HTML cut into parts that can be laid out apart, and the CSS that makes it work.

A big book is laid out faster, and in less memory, as several documents in
parallel processes (:mod:`briefgen.outputs.join` puts their PDFs together).
A part may only begin where the one-piece book begins a new page anyway
(after the contents, and before the sections the theme starts on a new page),
and between biographies, preferably where the delegation changes; each part
gets the book's ``<head>`` and the elements before the cover (the running
strings, the watermark).  No part begins with the document's first page, so
that ``@page :first`` applies to the cover alone: every part but the first
opens with a blank lead page, dropped after layout.

Page numbers depend on the pages of every part: the parts leave out the
margin boxes that print them, which folio documents print over the joined
pages (:mod:`.folios`), and the first part leaves room for the contents'
numbers of other parts' pages, printed the same way (:mod:`.numberslots`).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from briefgen.outputs.numberslots import NumberSlot

#: Elements that never have an end tag.
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)

#: The lead page of a part that is not the book's first: laid out and dropped.
LEAD_PAGE = '<div class="briefgen-lead" style="break-after: page"></div>'


@dataclass
class Element:
    """One element of the document: where it starts and ends in the HTML, and its name."""

    start: int
    end: int = -1
    tag: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element] = field(default_factory=list)

    def has(self, token: str) -> bool:
        """True when ``token`` is the element's id or one of its classes."""
        return token == self.attrs.get("id") or token in self.attrs.get("class", "").split()

    def has_any(self, tokens: Sequence[str]) -> bool:
        """True when one of ``tokens`` is the element's id or one of its classes."""
        return any(self.has(token) for token in tokens)


class _Outline(HTMLParser):
    """The body's children, and their children, with their offsets in the HTML."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self._lines = [0] + [m.end() for m in re.finditer("\n", html)]
        self._html = html
        self.body: Element | None = None
        self._stack: list[Element] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(self._offset(), tag=tag, attrs={k: v or "" for k, v in attrs})
        if tag == "body":
            self.body = element
            self._stack = [element]
            return
        if not self._stack:
            return
        if len(self._stack) <= 2:
            self._stack[-1].children.append(element)
        if tag in _VOID:
            element.end = self._html.index(">", element.start) + 1
        else:
            self._stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(self._offset(), tag=tag, attrs={k: v or "" for k, v in attrs})
        element.end = self._html.index(">", element.start) + 1
        if self._stack and len(self._stack) <= 2:
            self._stack[-1].children.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, -1, -1):
            if self._stack[depth].tag == tag:
                end = self._html.index(">", self._offset()) + 1
                for open_element in self._stack[depth:]:
                    open_element.end = end
                del self._stack[depth:]
                return


def outline(html: str) -> Element | None:
    """The ``<body>`` element with its children (two levels), or None without a body."""
    parser = _Outline(html)
    parser.feed(html)
    parser.close()
    body = parser.body
    if body is None or any(child.end < 0 for child in body.children):
        return None
    return body


@dataclass(frozen=True)
class LaidOut:
    """One part of a book, laid out: its PDF and what joining it to the others needs.

    Points are PDF points from the bottom left of the page.
    """

    pdf: bytes
    #: Each page's name (``@page NAME``), "" for an unnamed page.
    page_names: tuple[str, ...]
    #: Each anchor (an ``id``) in the part: page index, x, y.
    anchors: dict[str, tuple[int, float, float]]
    #: The outline entries: level, label, page index, x, y.
    bookmarks: tuple[tuple[int, str, int, float, float], ...]
    #: The contents' page numbers taken out of the page (laid out with ``slots``), or None
    #: when the theme prints the placeholder in a way they cannot be (see :func:`number_marks`).
    slots: tuple[NumberSlot, ...] | None = ()
    #: Each page's lead: the ``id`` of the element it begins with, "" if none (see
    #: :func:`splice_plan`).
    leads: tuple[str, ...] = ()

    def to_bytes(self) -> bytes:
        """The part as one byte string (for the build cache): a JSON line, then the PDF."""
        facts = {
            "pages": self.page_names,
            "anchors": self.anchors,
            "bookmarks": self.bookmarks,
            "slots": None if self.slots is None else [list(vars(s).values()) for s in self.slots],
            "leads": self.leads,
        }
        return json.dumps(facts, ensure_ascii=True).encode("ascii") + b"\n" + self.pdf

    @classmethod
    def from_bytes(cls, data: bytes) -> LaidOut:
        """The part :meth:`to_bytes` wrote; ``ValueError`` when it is not one."""
        line, _, pdf = data.partition(b"\n")
        try:
            facts = json.loads(line)
            return cls(
                pdf,
                tuple(str(name) for name in facts["pages"]),
                {str(k): (int(i), float(x), float(y)) for k, (i, x, y) in facts["anchors"].items()},
                tuple(
                    (int(level), str(label), int(i), float(x), float(y))
                    for level, label, i, x, y in facts["bookmarks"]
                ),
                None
                if facts["slots"] is None
                else tuple(
                    NumberSlot(int(page), str(target), float(right), float(top), str(style))
                    for page, target, right, top, style in facts["slots"]
                ),
                tuple(str(lead) for lead in facts["leads"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a laid-out part ({exc})") from exc


def page_offsets(parts: Sequence[LaidOut]) -> list[int]:
    """The index of each part's first page in the joined book."""
    return [0, *itertools.accumulate(len(part.page_names) for part in parts[:-1])]


@dataclass(frozen=True)
class BookParts:
    """The parts of a book: ``htmls[0]`` holds the cover and contents; the others a lead page."""

    htmls: tuple[str, ...]
    #: The anchors (``id`` values) in each part.
    anchors: tuple[frozenset[str], ...]
    #: The HTML every folio document starts with: the book's head and running strings.
    prefix: str


def split_book(
    html: str, page_starts: Sequence[str], bios_per_part: int, min_parts: int = 2
) -> BookParts | None:
    """Cut ``html`` where the book begins new pages; None when it does not cut in two.

    ``page_starts`` are the ids or classes of the body's children that begin a
    new page in the theme (the contents always ends its page).  Biographies
    (``#biographies``'s articles) are cut into runs of at most
    ``bios_per_part``, and into at least ``min_parts`` parts in all when there
    are enough, preferably where the delegation changes.
    """
    body = outline(html)
    if body is None:
        return None
    sections = body.children
    first = next((i for i, e in enumerate(sections) if e.tag in ("section", "nav")), None)
    contents = next((i for i, e in enumerate(sections) if e.has("contents")), None)
    if first is None or contents is None:
        return None
    head = html[: html.index(">", body.start) + 1]
    prefix = head + html[len(head) : sections[first].start]
    groups: list[list[str]] = [[html[sections[first].start : sections[contents].end]]]
    for element in sections[contents + 1 :]:
        text = html[element.start : element.end]
        if element.has("biographies") and element.tag == "section":
            runs = list(_bio_runs(html, element, bios_per_part, min_parts - len(groups)))
            first_run, *more = runs or [text]
            _append(groups, first_run, starts=len(groups) == 1 or element.has_any(page_starts))
            groups += [[run] for run in more]
        else:
            _append(groups, text, starts=len(groups) == 1 or element.has_any(page_starts))
    if len(groups) < 2:
        return None
    closing = "</body></html>\n"
    htmls = [prefix + "".join(groups[0]) + closing]
    htmls += [prefix + LEAD_PAGE + "".join(group) + closing for group in groups[1:]]
    anchors = [frozenset(_ids("".join(group))) for group in groups]
    return BookParts(tuple(htmls), tuple(anchors), prefix)


def _append(groups: list[list[str]], text: str, *, starts: bool) -> None:
    """Add ``text`` to the last part, or begin a new part with it when it starts a page."""
    if starts:
        groups.append([text])
    else:
        groups[-1].append(text)


def _ids(html: str) -> Iterator[str]:
    return (m.group(1) for m in re.finditer(r'\sid="([^"]*)"', html))


def biography_count(html: str) -> int:
    """How many biographies the book has, counted without parsing it (a cheap first look)."""
    return html.count('<article class="bio')


_DELEGATION = re.compile(r'class="bio-delegation"[^>]*>([^<]*)<')


def _bio_runs(html: str, section: Element, per_part: int, parts: int) -> Iterator[str]:
    """The biographies section as runs of articles, each run wrapped in its own section."""
    articles = [c for c in section.children if c.tag == "article"]
    if len(articles) < 2:
        return
    count = max(math.ceil(len(articles) / max(per_part, 1)), parts, 1)
    count = min(count, len(articles))
    cuts = _cuts([_delegation(html, a) for a in articles], count)
    plain_open = '<section class="biographies">'
    bounds = [0, *cuts, len(articles)]
    for number, (low, high) in enumerate(itertools.pairwise(bounds)):
        if number == 0:
            yield html[section.start : articles[high - 1].end] + "</section>"
        else:
            yield plain_open + html[articles[low].start : articles[high - 1].end] + "</section>"


def _delegation(html: str, article: Element) -> str:
    found = _DELEGATION.search(html, article.start, article.end)
    return found.group(1) if found else ""


def _cuts(delegations: list[str], count: int) -> list[int]:
    """Where to cut ``len(delegations)`` biographies into ``count`` runs: a delegation's start
    when one is near (within a quarter of a run), else at equal steps."""
    size = len(delegations) / count
    changes = [i for i in range(1, len(delegations)) if delegations[i] != delegations[i - 1]]
    cuts: list[int] = []
    for k in range(1, count):
        ideal = round(k * size)
        near = [c for c in changes if abs(c - ideal) <= size / 4 and (not cuts or c > cuts[-1])]
        cut = min(near, key=lambda c: abs(c - ideal)) if near else ideal
        if cuts and cut <= cuts[-1]:
            continue
        cuts.append(cut)
    return cuts


def with_css(html: str, css: str) -> str:
    """``html`` with ``css`` as its last stylesheet."""
    style = f"<style>{css}</style>"
    at = html.find("</head>")
    return html[:at] + style + html[at:] if at >= 0 else style + html


# --- The contents' page numbers ---------------------------------------------------------------

_CONTENTS_LINK = re.compile(r'<a(\s[^>]*?href="#([^"]+)")')


def number_contents(front: str, pages: Mapping[str, int | str]) -> str:
    """The first part with each contents link given ``data-page``: its target's page number."""
    body = outline(front)
    nav = None
    if body is not None:
        nav = next((e for e in body.children if e.has("contents")), None)
    if nav is None:
        return front

    def number(match: re.Match[str]) -> str:
        page = pages.get(match.group(2))
        if page is None:
            return match.group(0)
        return f'<a data-page="{page}"{match.group(1)}'

    inside = _CONTENTS_LINK.sub(number, front[nav.start : nav.end])
    return front[: nav.start] + inside + front[nav.end :]


# --- A part made again from the same part laid out before -------------------------------------


@dataclass(frozen=True)
class Splice:
    """A part made from the same part laid out before, when only some biographies changed.

    ``html`` holds the biographies from ``first``, which began a page in the
    old part and has nothing changed before it, to ``until``, the first one
    after the change that began a page, with nothing changed from it on; the
    new pages (those before ``until``'s page) replace the old ones between
    them, provided ``until`` still begins a page (it is laid out to see).
    ``until`` None: the new pages run to the end of the part.
    """

    html: str
    first: str
    until: str | None


def splice_plan(old_html: str, old: LaidOut, new_html: str) -> Splice | None:
    """How to make the part ``new_html`` from ``old`` (laid out from ``old_html``) by laying
    out only the pages around what changed; None when it cannot be done that way."""
    new_body = outline(new_html) if old_html != new_html else None
    if new_body is None:
        return None
    lead = next((e for e in new_body.children if e.has("briefgen-lead")), None)
    section = next((e for e in new_body.children if e.has("biographies")), None)
    if lead is None or section is None:
        return None
    articles = [a for a in section.children if a.tag == "article" and a.attrs.get("id")]
    same = 0  # the length of the text the two parts begin with
    limit = min(len(old_html), len(new_html))
    while same < limit and old_html[same] == new_html[same]:
        same += 1
    tail = 0  # and end with
    while tail < limit - same and old_html[-1 - tail] == new_html[-1 - tail]:
        tail += 1
    shift = len(new_html) - len(old_html)
    old_leads = set(old.leads)
    firsts = [a for a in articles if a.start <= same and a.attrs["id"] in old_leads]
    if not firsts:
        return None
    first = firsts[-1]
    changed_end = len(new_html) - tail
    untils = [
        a
        for a in articles
        if a.start >= changed_end
        and a.attrs["id"] in old_leads
        and old_html[a.start - shift : a.end - shift] == new_html[a.start : a.end]
    ]
    opening = new_html[: lead.end] + '<section class="biographies">'
    if not untils:
        return Splice(opening + new_html[first.start :], first.attrs["id"], None)
    until = untils[0]
    html = opening + new_html[first.start : until.end] + "</section></body></html>\n"
    return Splice(html, first.attrs["id"], until.attrs["id"])
