"""Typographic details of printed text: quotes and apostrophes, Markdown word edits.

``typographic`` is the Jinja environment's ``finalize`` (every printed value
passes through it); ``render_markdown_diff`` is the ``markdown_diff`` filter
of the "Changes since" page.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from briefgen.render.references import markdown_link_ok

_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_DOUBLE_QUOTED = re.compile(r'(^|[\s(\[])"([^"\n]+)"(?=$|[\s.,;:!?)\]])')
_SINGLE_QUOTED = re.compile(r"(^|[\s(\[])'([^'\n]+)'(?=$|[\s.,;:!?)\]])")


#: Quotation marks by language: double open, double close, single open, single close
#: (markdown-it's ``quotes`` option); French sets a narrow no-break space inside « ».
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("“", "”", "‘", "’"),
    "fr": ("«\u202f", "\u202f»", "“", "”"),
    "ru": ("«", "»", "„", "“"),
    "tr": ("“", "”", "‘", "’"),
    "de": ("„", "“", "‚", "‘"),
}


def quotes_for(language: str) -> tuple[str, str, str, str]:
    """The quotation marks of ``language`` (its primary subtag), English ones by default."""
    return QUOTES.get(language.split("-")[0], QUOTES["en"])


def language_of(context: Any) -> str:
    """The book's language from a template context (English when the page has none)."""
    language = context.get("language") if context is not None else None
    return language if isinstance(language, str) else "en"


@jinja2.pass_context
def typographic(context: Any, value: Any) -> Any:
    """Plain text with typewriter quotes and apostrophes made typographic: "a" → “a”, it's → it’s.

    The environment's ``finalize``: every value a template prints passes here,
    so data outside Markdown (titles, places, roles) gets the same quotes as
    Markdown text (markdown-it's typographer), in the book's language
    (« » in French and Russian).  Markup (labels, rendered Markdown,
    stylesheets) is left alone.
    """
    if (
        not isinstance(value, str)
        or isinstance(value, Markup)
        or not ("'" in value or '"' in value)
    ):
        return value
    double_open, double_close, single_open, single_close = quotes_for(language_of(context))
    text = _APOSTROPHE.sub("’", value)
    text = _DOUBLE_QUOTED.sub(
        lambda m: f"{m.group(1)}{double_open}{m.group(2)}{double_close}", text
    )
    return _SINGLE_QUOTED.sub(
        lambda m: f"{m.group(1)}{single_open}{m.group(2)}{single_close}", text
    )


#: Private-use characters that mark deleted and inserted words while Markdown is rendered.
_DIFF_MARKS = {"delete": ("\ue000", "\ue001"), "insert": ("\ue002", "\ue003")}
_DIFF_TAGS = {"\ue000": "<del>", "\ue001": "</del>", "\ue002": "<ins>", "\ue003": "</ins>"}
_MARK_CHARS = re.compile("[\ue000-\ue003]")
_MD_EMPHASIS = re.compile(r"[*_~`]")
_MD_PUNCTUATION = re.compile(r"[\\\[\]()<>#!|+-]")


@jinja2.pass_context
def render_markdown_diff(context: Any, words: list[dict[str, str]]) -> Markup:
    """A word-level edit of a Markdown line as inline HTML, deleted and inserted words marked.

    The new text's words are rendered as the one line of Markdown they form,
    so emphasis and links print as in the book rather than as ``*`` and
    ``~~``; deleted words lose their Markdown punctuation (they would pair
    with the new text's) and are escaped.  The marks become ``<del>`` and
    ``<ins>`` afterwards (the HTML parser mends a mark that crosses an
    emphasis).  Mark characters in the text are dropped.
    """
    parts = []
    for word in words:
        text = _MARK_CHARS.sub("", word["text"])
        if word["op"] == "delete":
            text = _MD_PUNCTUATION.sub(lambda m: "\\" + m.group(0), _MD_EMPHASIS.sub("", text))
        start, end = _DIFF_MARKS.get(word["op"], ("", ""))
        parts.append(f"{start}{text}{end}")
    html = markdown_parser(language_of(context)).renderInline(" ".join(parts))
    return Markup(_MARK_CHARS.sub(lambda m: _DIFF_TAGS[m.group(0)], html))


@jinja2.pass_context
def render_markdown(context: Any, text: str) -> Markup:
    """Block Markdown → HTML; raw HTML is shown as text, images and unsafe links dropped."""
    return Markup(markdown_parser(language_of(context)).render(text))


@jinja2.pass_context
def render_markdown_inline(context: Any, text: str) -> Markup:
    """One line of Markdown (a list item) → inline HTML."""
    return Markup(markdown_parser(language_of(context)).renderInline(text))


@lru_cache(maxsize=8)
def markdown_parser(language: str = "en") -> MarkdownIt:
    """The book's Markdown: CommonMark, typographic quotes (the language's) and dashes, no raw
    HTML, no images, and links only to http(s), mailto and #anchors (see
    :func:`markdown_link_ok`)."""
    options = {"html": False, "typographer": True, "quotes": list(quotes_for(language))}
    md = MarkdownIt("commonmark", options).enable(["replacements", "smartquotes"]).disable("image")
    md.validateLink = markdown_link_ok  # type: ignore[method-assign]
    return md
