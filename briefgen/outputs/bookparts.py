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

Page numbers depend on the pages of every part, so the parts leave out the
page-number margin boxes (found in the book's own CSS with tinycss2: the
margin boxes whose content uses ``counter(page)`` or ``counter(pages)``) and a
light "folio" document, only those boxes, is laid over the joined pages.  The
contents' page numbers are written as text (``data-page``) once the parts are
laid out.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

import tinycss2

from briefgen.outputs.cssvars import head_styles

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

    def to_bytes(self) -> bytes:
        """The part as one byte string (for the build cache): a JSON line, then the PDF."""
        facts = {"pages": self.page_names, "anchors": self.anchors, "bookmarks": self.bookmarks}
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


# --- Page numbers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Folios:
    """The margin boxes that print page numbers, as ``(page selector, box name)`` pairs."""

    boxes: frozenset[tuple[str, str]]
    #: Every margin box any ``@page`` rule declares.
    every_box: frozenset[tuple[str, str]]

    def parts_css(self) -> str:
        """CSS laid over each part: no page numbers (the folio document prints them)."""
        return "".join(_page_rule(sel, box, "content: none;") for sel, box in sorted(self.boxes))

    def folio_css(self) -> str:
        """CSS of the folio document: nothing but the page numbers."""
        rules = [
            _page_rule(sel, box, "content: none;")
            for sel, box in sorted(self.every_box - self.boxes)
        ]
        return "".join(rules) + "@page { background: none; }\n"


def _page_rule(selector: str, box: str, declarations: str) -> str:
    return f"@page{' ' + selector if selector else ''} {{ @{box} {{ {declarations} }} }}\n"


_PAGE_COUNTERS = frozenset({"page", "pages"})


def find_folios(html: str) -> Folios:
    """The page-number margin boxes declared by the ``<style>`` elements of ``html``."""
    boxes: set[tuple[str, str]] = set()
    every: set[tuple[str, str]] = set()
    for selector, box, content in _margin_rules(html):
        every.add((selector, box))
        if _counts_pages(content):
            boxes.add((selector, box))
    return Folios(frozenset(boxes), frozenset(every))


def _margin_rules(html: str) -> Iterator[tuple[str, str, list[tinycss2.ast.Node]]]:
    """Each margin box rule of the head's ``<style>`` elements: page selector, box name, content."""
    for css in head_styles(html):
        for rule in tinycss2.parse_stylesheet(css, True, True):
            if rule.type != "at-rule" or rule.lower_at_keyword != "page" or rule.content is None:
                continue
            selector = tinycss2.serialize(rule.prelude).strip()
            for inner in tinycss2.parse_blocks_contents(rule.content, True, True):
                if inner.type == "at-rule" and inner.content is not None:
                    yield selector, inner.lower_at_keyword, inner.content


def _counts_pages(content: list[tinycss2.ast.Node]) -> bool:
    for declaration in tinycss2.parse_declaration_list(content, True, True):
        if declaration.type != "declaration" or declaration.lower_name != "content":
            continue
        for token in declaration.value:
            if token.type == "function" and token.lower_name == "counter":
                names = {a.lower_value for a in token.arguments if a.type == "ident"}
                if names & _PAGE_COUNTERS:
                    return True
    return False


def with_css(html: str, css: str) -> str:
    """``html`` with ``css`` as its last stylesheet."""
    style = f"<style>{css}</style>"
    at = html.find("</head>")
    return html[:at] + style + html[at:] if at >= 0 else style + html


def folio_html(prefix: str, folios: Folios, pages: Sequence[str], first: int, total: int) -> str:
    """A document of page numbers only, for ``pages`` (their page names) from page ``first``.

    After the book's first page, the document opens with a lead page, numbered
    ``first - 1``; ``counter(pages)`` is replaced by ``total`` in copies of the
    folio boxes' rules.
    """
    blocks = []
    for index, name in enumerate(pages):
        style = "break-before: page;" if index else ""
        style += f"page: {name};" if name else ""
        blocks.append(f'<div class="briefgen-folio" style="{escape(style)}"></div>')
    css = folios.folio_css() + _total_css(prefix, folios, total)
    lead = ""
    if first > 1:
        lead = LEAD_PAGE
        css += f"@page :first {{ counter-reset: page {first - 1}; }}\n"
    return with_css(prefix, css) + lead + "".join(blocks) + "</body></html>\n"


def _total_css(html: str, folios: Folios, total: int) -> str:
    """The folio boxes' rules again, with ``counter(pages)`` replaced by ``total``."""
    return "".join(
        _page_rule(selector, box, tinycss2.serialize(_replace_pages(content, total)))
        for selector, box, content in _margin_rules(html)
        if (selector, box) in folios.boxes
    )


def _replace_pages(nodes: list[tinycss2.ast.Node], total: int) -> list[tinycss2.ast.Node]:
    replaced: list[tinycss2.ast.Node] = []
    for node in nodes:
        if node.type == "function" and node.lower_name == "counter":
            names = {a.lower_value for a in node.arguments if a.type == "ident"}
            if "pages" in names:
                replaced.append(tinycss2.ast.StringToken(0, 0, str(total), f'"{total}"'))
                continue
        replaced.append(node)
    return replaced


# --- The contents' page numbers ---------------------------------------------------------------

_CONTENTS_LINK = re.compile(r'<a(\s[^>]*?href="#([^"]+)")')


def number_contents(front: str, pages: dict[str, int]) -> str:
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
