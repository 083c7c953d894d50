"""Which bundled families, and which weights, a document's styles ask for.

A PDF declares static instances (:mod:`briefgen.outputs.fontcache`) only for
the bundled families its CSS names, so that a book set in serif never makes
the sans-serif instances.  Besides the weights briefgen's templates use, it
makes those a house style names (``font-weight: 300``, ``font: 800 …``), so
that such a weight is drawn as itself and not as the nearest of the usual
ones.  Read from the head's ``<style>`` elements (after
:func:`briefgen.outputs.cssvars.inline_root_variables`) and inline ``style``
attributes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import tinycss2

from briefgen.outputs.cssvars import head_styles

_STYLE_ATTRIBUTE = re.compile(r"""style\s*=\s*("[^"]*"|'[^']*')""", re.I)
_KEYWORD_WEIGHTS = {"normal": 400, "bold": 700}
#: The weight axis of the bundled variable fonts.
_AXIS = (100, 900)


@dataclass(frozen=True)
class FontUse:
    """The font families and weights a document's CSS asks for."""

    families: frozenset[str]
    weights: frozenset[int]


def font_use(html: str, families: Iterable[str]) -> FontUse:
    """Those of ``families`` that a ``font`` or ``font-family`` declaration names (every one
    named anywhere in the styles when such a declaration still holds a ``var()``, whose value
    is known only element by element), and the absolute weights the styles name."""
    css = tuple(head_styles(html))
    attributes = [
        node
        for text in _STYLE_ATTRIBUTE.findall(html)
        for node in tinycss2.parse_blocks_contents(text[1:-1], skip_comments=True)
        if node.type == "declaration"
    ]
    values, weights = _styles_use(css)
    values += tuple(_font_values(attributes))
    named = " ".join(css) if any("var(" in value.lower() for value in values) else " ".join(values)
    return FontUse(
        frozenset(family for family in families if family in named),
        weights | {weight for node in attributes for weight in _weights(node)},
    )


@lru_cache(maxsize=8)
def _styles_use(css: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[int]]:
    """The font and font-family values and the weights of the head's styles; kept, as the
    parts of one book share them."""
    declarations = [
        node
        for text in css
        for node in _declarations(tinycss2.parse_stylesheet(text, skip_comments=True))
    ]
    weights = frozenset(weight for node in declarations for weight in _weights(node))
    return tuple(_font_values(declarations)), weights


def _font_values(declarations: Iterable[Any]) -> Iterable[str]:
    for node in declarations:
        if node.lower_name in ("font", "font-family"):
            yield tinycss2.serialize(node.value)


def _declarations(nodes: list[Any]) -> Iterable[Any]:
    """Every declaration in rules, nested ones (``@media``, ``@page`` margins) included."""
    for node in nodes:
        if node.type == "declaration":
            yield node
        elif node.type in ("qualified-rule", "at-rule") and node.content is not None:
            yield from _declarations(tinycss2.parse_blocks_contents(node.content, True, True))


def _weights(node: Any) -> Iterable[int]:
    """The absolute weight a ``font-weight`` or ``font`` declaration sets, if any."""
    if node.lower_name not in ("font", "font-weight"):
        return
    for token in node.value:
        if token.type in ("dimension", "percentage") or token.type == "literal":
            return  # the font size (or the "/" before the line height): no weight after it
        if token.type == "number" and token.is_integer and _AXIS[0] <= token.int_value <= _AXIS[1]:
            yield token.int_value
        elif token.type == "ident" and token.lower_value in _KEYWORD_WEIGHTS:
            yield _KEYWORD_WEIGHTS[token.lower_value]
