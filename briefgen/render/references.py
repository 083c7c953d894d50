"""One policy for what a rendered page may refer to, for the HTML book and the PDF alike.

A template from the data folder could make the HTML book fetch from the
network when opened (an ``<img>``, a stylesheet, CSS ``@import`` or
``url()``, a script), although the PDF's fetcher refuses the same
references.  Every page a template renders is checked here before it is
used for either output: embedded resources may only be ``data:`` URLs or
``#anchors`` in the same document; a link the reader follows (``<a href>``)
may also be ``http(s):`` or ``mailto:``.  Scripts, event handlers and
``<meta http-equiv>`` are refused outright.  CSS (``<style>`` and ``style``
attributes) is read with tinycss2, so escapes and comments cannot hide a
``url()``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

import tinycss2

#: Attributes whose value is a URL (or, for srcset, a list of them).
_URL_ATTRIBUTES = frozenset(
    {
        "action",
        "archive",
        "background",
        "cite",
        "codebase",
        "data",
        "dynsrc",
        "formaction",
        "href",
        "icon",
        "longdesc",
        "lowsrc",
        "manifest",
        "ping",
        "poster",
        "src",
        "srcset",
        "usemap",
        "xlink:href",
    }
)
#: Elements a reader clicks: their ``href`` may leave the document.
_LINKS = frozenset({"a", "area"})
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_CSS_URL_FUNCTIONS = frozenset(
    {"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade"}
)


def embedded_ok(url: str) -> bool:
    """A resource a page may load: a ``data:`` URL or an anchor in the same document."""
    value = url.strip().lower()
    return value.startswith(("data:", "#"))


def link_ok(url: str) -> bool:
    """A link a reader may follow: as :func:`embedded_ok`, or http(s) and mailto."""
    return embedded_ok(url) or url.strip().lower().startswith(_LINK_SCHEMES)


def markdown_link_ok(url: str) -> bool:
    """Links in user Markdown: http(s), mailto and #anchors only.

    A relative link (``notes.pdf``) would point into the build folder
    (``file:///…`` in the PDF), so it stays text like any refused link.
    """
    return link_ok(url) and not url.strip().lower().startswith("data:")


#: Comments and strings of CSS (a string ends at its quote; one left open is kept).
_CSS_COMMENTS_AND_STRINGS = re.compile(
    r"/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'", re.DOTALL
)
#: Every name that starts a reference: url( tokens and functions, @import, src(), image(),
#: image-set(), -webkit-image-set(), cross-fade().
_CSS_REFERENCE_NAMES = ("url", "import", "src", "image", "cross-fade")


def _may_refer(css: str) -> bool:
    """Whether ``css`` can hold a reference at all: outside its comments and strings it names
    one of :data:`_CSS_REFERENCE_NAMES` or has an escape (which could spell one).

    Without an escape, a token's name is its text, so CSS that passes this test has no
    reference; reading the book's stylesheet with tinycss2 took 20 ms a page.
    """
    rest = _CSS_COMMENTS_AND_STRINGS.sub(" ", css).lower()
    return "\\" in rest or any(name in rest for name in _CSS_REFERENCE_NAMES)


def css_references(css: str, *, declarations: bool = False) -> list[str]:
    """Every URL a piece of CSS refers to (``@import``, ``url()``, ``image-set()`` strings)."""
    return _references(css, declarations) if _may_refer(css) else []


def _references(css: str, declarations: bool) -> list[str]:
    """:func:`css_references` read with tinycss2."""
    if declarations:
        nodes: Iterable[object] = tinycss2.parse_blocks_contents(css)
    else:
        nodes = tinycss2.parse_stylesheet(css)
    found: list[str] = []
    stack = list(nodes)
    while stack:
        node = stack.pop()
        kind = getattr(node, "type", None)
        if kind == "url":
            found.append(str(getattr(node, "value", "")))
        elif kind == "at-rule" and getattr(node, "lower_at_keyword", "") == "import":
            strings = [t for t in getattr(node, "prelude", []) if t.type in ("string", "url")]
            found += [str(t.value) for t in strings] or ["@import"]
        elif kind == "function" and getattr(node, "lower_name", "") in _CSS_URL_FUNCTIONS:
            strings = [t for t in getattr(node, "arguments", []) if t.type == "string"]
            found += [str(t.value) for t in strings]
        for part in ("prelude", "content", "arguments", "value"):
            children = getattr(node, part, None)
            if isinstance(children, list):
                stack.extend(children)
    return [url for url in found if not embedded_ok(url)]


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refused: list[tuple[int, str]] = []
        self._in_style = False

    def refuse(self, what: str) -> None:
        self.refused.append((self.getpos()[0], what))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.refuse("a <script> element")
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            self.refuse("a <meta http-equiv> element")
        self._in_style = tag == "style"
        for name, value in attrs:
            self._attribute(tag, name, value or "")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def _attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.refuse(f"an event handler ({name}) on <{tag}>")
        elif name == "style":
            for url in css_references(value, declarations=True):
                self.refuse(f"url({url!r}) in a style attribute of <{tag}>")
        elif name in _URL_ATTRIBUTES:
            urls = (
                [c.strip().split(" ")[0] for c in value.split(",")] if name == "srcset" else [value]
            )
            allowed = link_ok if (tag in _LINKS and name == "href") else embedded_ok
            for url in urls:
                if not allowed(url):
                    self.refuse(f"<{tag} {name}={url[:80]!r}>")

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for url in css_references(data):
                self.refuse(f"{url[:80]!r} in a <style> element")


def refused_references(html: str) -> list[tuple[int, str]]:
    """(line, what) of every reference in ``html`` that the policy above refuses."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.refused
