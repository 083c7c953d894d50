"""The page numbers of a book laid out in parts (:mod:`.bookparts`): the folio documents.

A part cannot know its page numbers until every part is laid out, so the
parts leave out the margin boxes that print them (found in the book's own CSS
with tinycss2: the margin boxes whose content uses ``counter(page)`` or
``counter(pages)``), and light "folio" documents, holding only those boxes
(and the contents' numbers of :mod:`.numberslots`), are laid over the joined
pages (:mod:`.join`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import escape

import tinycss2

from briefgen.outputs.bookparts import LEAD_PAGE, with_css
from briefgen.outputs.cssvars import head_styles


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


#: The folio document's body starts where the page's content area does (what slots measure from).
_FOLIO_BODY = "html, body { margin: 0 !important; padding: 0 !important; border: 0 !important; }\n"


def folio_html(
    prefix: str,
    folios: Folios,
    pages: Sequence[str],
    first: int,
    total: int,
    marks: Mapping[int, str] | None = None,
    marks_css: str = "",
) -> str:
    """A document of page numbers only, for ``pages`` (their page names) from page ``first``.

    After the book's first page, the document opens with a lead page, numbered
    ``first - 1``; ``counter(pages)`` is replaced by ``total`` in copies of the
    folio boxes' rules.  ``marks`` holds HTML to print on some of the pages (by
    index in ``pages``), styled by ``marks_css``: the contents' numbers of :func:`number_marks`.
    """
    marks = marks or {}
    blocks = []
    for index, name in enumerate(pages):
        style = "break-before: page;" if index else ""
        style += f"page: {name};" if name else ""
        style += "position: relative; margin: 0; padding: 0; border: 0;"
        mark = marks.get(index, "")
        blocks.append(f'<div class="briefgen-folio" style="{escape(style)}">{mark}</div>')
    css = folios.folio_css() + _FOLIO_BODY + marks_css + _total_css(prefix, folios, total)
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
