"""The contents' numbers of other parts' pages, in a book laid out in parts (:mod:`.bookparts`).

The first part is laid out with a placeholder number (``data-page``) in each
contents line that points into another part.  :func:`take_slots` takes the
placeholders' text out of the laid-out pages, noting where each ended, its
font and colour (:class:`NumberSlot`), and :func:`number_marks` prints the
true numbers there in the folio documents (:mod:`.folios`).  So the first
part is laid out once, beside the others, and not again once their page
counts are known; only numbers wider than the placeholder (a book of a
thousand pages) or a theme that prints ``data-page`` inside other text have it
laid out again with the numbers written in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: The page number the first part is laid out with where another part's page goes: as wide
#: as any number of a book under a thousand pages (the theme's digits are tabular).
PLACEHOLDER = "888"


@dataclass(frozen=True)
class NumberSlot:
    """Where the first part's contents print another part's page number, taken out of the page.

    Lengths are CSS pixels from the top left of the page's content area.
    """

    #: The page (in the part) and the anchor whose page number goes there.
    page: int
    target: str
    #: Where the number ends (it is set flush right), and the top of its line.
    right: float
    top: float
    #: CSS declarations that set the number as the theme did: font, colour, line height.
    style: str


def take_slots(
    pages: Sequence[Any], placeholder: str, text_box: type, line_box: type
) -> tuple[NumberSlot, ...] | None:
    """Take the text ``placeholder`` of each link with ``data-page`` out of WeasyPrint's laid-out
    ``pages`` (whose text and line boxes are of the classes ``text_box`` and ``line_box``),
    noting where and how it was set; None when a ``data-page`` link prints it inside other text."""
    found: list[tuple[NumberSlot, Any, Any]] = []
    for index, page in enumerate(pages):
        box = page._page_box
        left, top = box.content_box_x(), box.content_box_y()
        for text, parent, line in _text_boxes(box, None, None, (text_box, line_box)):
            element = text.element
            if element is None or element.get("data-page") is None or placeholder not in text.text:
                continue
            href = element.get("href") or ""
            if text.text != placeholder or not href.startswith("#") or line is None:
                return None
            right = text.position_x + text.width - left
            slot = NumberSlot(
                index, href[1:], right, line.position_y - top, _number_css(text.style)
            )
            found.append((slot, parent, text))
    for _, parent, text in found:
        parent.children = [child for child in parent.children if child is not text]
    return tuple(slot for slot, _, _ in found)


def _text_boxes(
    box: Any, parent: Any, line: Any, kinds: tuple[type, type]
) -> Iterator[tuple[Any, Any, Any]]:
    """Each text box under ``box`` with its parent box and the line box it is on."""
    if isinstance(box, kinds[0]):
        yield box, parent, line
        return
    if isinstance(box, kinds[1]):
        line = box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child, box, line, kinds)


#: The generic font families, which CSS names without quotes.
_GENERIC = frozenset(
    {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math"}
)


def _number_css(style: Any) -> str:
    """CSS declarations that set text as a box's computed ``style`` does (font, colour, line)."""

    def value(name: str) -> str:
        found = style[name]
        if not isinstance(found, tuple | list | frozenset):
            return str(found)
        if name.endswith("_settings"):  # ("tnum", 1) pairs
            return ", ".join(f'"{tag}" {setting}' for tag, setting in found)
        return " ".join(sorted(map(str, found)))

    families = ", ".join(
        f if f in _GENERIC else '"' + f.replace('"', "") + '"' for f in style["font_family"]
    )
    height = style["line_height"]
    declarations = {
        "font-family": families,
        "font-size": f"{style['font_size']!r}px",
        "line-height": "".join(map(str, height)) if isinstance(height, tuple) else str(height),
        "color": str(style["color"]),
    }
    for name in (
        "font_weight",
        "font_style",
        "font_stretch",
        "font_kerning",
        "font_variant_numeric",
        "font_variant_caps",
        "font_variant_ligatures",
        "font_variant_position",
        "font_variant_east_asian",
        "font_variant_alternates",
        "font_feature_settings",
        "font_variation_settings",
        "font_language_override",
    ):
        declarations[name.replace("_", "-")] = value(name)
    for name in ("letter_spacing", "word_spacing"):
        found = style[name]
        declarations[name.replace("_", "-")] = (
            f"{found!r}px" if isinstance(found, int | float) else str(found)
        )
    if style["text_decoration_line"] != "none":
        for name in ("text_decoration_line", "text_decoration_style", "text_decoration_color"):
            declarations[name.replace("_", "-")] = value(name)
    return " ".join(f"{name}: {found};" for name, found in declarations.items())


def slots_fit(
    slots: Sequence[NumberSlot] | None, pages: Mapping[str, int], placeholder: str = PLACEHOLDER
) -> bool:
    """True when the numbers ``pages`` can be printed in ``slots`` as laid out: every slot's
    target is numbered, in no more digits than ``placeholder`` had."""
    if slots is None:
        return False
    return all(
        slot.target in pages and len(str(pages[slot.target])) <= len(placeholder) for slot in slots
    )


def number_marks(
    slots: Sequence[NumberSlot], pages: Mapping[str, int]
) -> tuple[dict[int, str], str]:
    """For :func:`folio_html`: by page, the numbers ``pages`` of the ``slots`` on that page,
    each set flush right where its placeholder ended and in its font; and the CSS of the
    fonts (a class for each, most slots sharing one)."""
    classes: dict[str, str] = {}
    marks: dict[int, list[str]] = {}
    for slot in slots:
        name = classes.setdefault(slot.style, f"briefgen-number-{len(classes) + 1}")
        place = f"top: {slot.top:.6f}px; width: {slot.right:.6f}px;"
        mark = f'<div class="{name}" style="{place}">{pages[slot.target]}</div>'
        marks.setdefault(slot.page, []).append(mark)
    css = "".join(
        f".{name} {{ position: absolute; left: 0; margin: 0; padding: 0; border: 0; "
        f"text-align: right; white-space: nowrap; {style} }}\n"
        for style, name in classes.items()
    )
    return {page: "".join(found) for page, found in marks.items()}, css
