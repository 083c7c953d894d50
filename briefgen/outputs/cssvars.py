"""The theme's CSS variables written out as values before WeasyPrint reads a document.

WeasyPrint resolves ``var()`` for every element and property anew: each
declaration that uses one is parsed again per element (a profile of the
100-person book: 6 300 re-parses, 9 % of its layout time).  The book's
variables are its palette and typefaces, declared once on ``:root`` by
theme.css and look.css and never changed below it, so each ``var(--name)``
can be replaced by its value in the document's own ``<style>`` elements
beforehand; the cascade then sees what it would have computed.

Only variables whose every declaration is a plain (not ``!important``)
declaration of a top-level ``:root`` rule in those ``<style>`` elements are
written out; one declared anywhere else (another selector, inside ``@media``,
an inline ``style`` attribute) keeps its ``var()``, and a document that links
or imports other stylesheets is left as it is.  The HTML book keeps its
variables: this is done for the PDF only (:mod:`briefgen.outputs.pdf`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import tinycss2
import tinycss2.ast

_HEAD_END = re.compile(r"</head\s*>", re.I)
_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.I | re.S)
_ELSEWHERE = re.compile(r"<link\b|@import", re.I)
_INLINE_VARIABLE = re.compile(r"""style\s*=\s*["'][^"']*--([\w-]+)\s*:""", re.I)
_BLOCKS = ("qualified-rule", "at-rule", "() block", "[] block", "{} block")
#: Deeper nesting is left to WeasyPrint (theme.css nests two levels).
_MAX_DEPTH = 8


def inline_root_variables(html: str) -> str:
    """``html`` with the ``var()`` of its head's ``<style>`` elements replaced by their values."""
    head_end = _HEAD_END.search(html)
    if head_end is None:
        return html
    excluded = frozenset(_INLINE_VARIABLE.findall(html))
    return _inline_head(html[: head_end.start()], excluded) + html[head_end.start() :]


@lru_cache(maxsize=8)
def _inline_head(head: str, excluded: frozenset[str]) -> str:
    """The head with its variables written out; kept, as the parts of one book share it."""
    if _ELSEWHERE.search(head):
        return head
    styles = list(_STYLE.finditer(head))
    sheets = [tinycss2.parse_stylesheet(match.group(2)) for match in styles]
    values = _resolved(_root_variables(sheets, excluded=set(excluded)))
    if not values:
        return head
    parts, last = [], 0
    for match, sheet in zip(styles, sheets, strict=True):
        parts += [head[last : match.start(2)], tinycss2.serialize(_substitute(sheet, values))]
        last = match.end(2)
    return "".join(parts) + head[last:]


def head_styles(html: str) -> list[str]:
    """The text of each ``<style>`` element before ``</head>`` (of the whole page without one)."""
    head_end = _HEAD_END.search(html)
    head = html[: head_end.start()] if head_end else html
    return [match.group(2) for match in _STYLE.finditer(head)]


def _root_variables(sheets: list[list[Any]], excluded: set[str]) -> dict[str, list[Any]]:
    """The custom properties declared only on top-level ``:root`` rules, last one winning."""
    found: dict[str, list[Any]] = {}
    for rule in (rule for sheet in sheets for rule in sheet):
        content = getattr(rule, "content", None)
        if content is None:
            continue
        is_root = rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == (
            ":root"
        )
        for name, value, important in _custom_declarations(content):
            if is_root and not important:
                found[name] = value
            else:
                excluded.add(name)
    return {name: value for name, value in found.items() if name not in excluded}


def _custom_declarations(content: list[Any]) -> Iterable[tuple[str, list[Any], bool]]:
    """(name without ``--``, value tokens, !important) of every custom property in a block,
    nested blocks (``@media``, ``@page`` margins) included."""
    for item in tinycss2.parse_blocks_contents(content):
        if item.type == "declaration" and item.name.startswith("--"):
            yield item.name[2:], item.value, item.important
        elif item.type in ("qualified-rule", "at-rule") and item.content is not None:
            nested = _custom_declarations(item.content)
            yield from ((name, value, True) for name, value, _ in nested)


def _resolved(variables: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Each variable's value with the ``var()`` inside it resolved; unresolvable ones dropped."""
    resolved: dict[str, list[Any]] = {}
    for name in variables:
        value = _expand(variables[name], variables, 0)
        if value is not None and _strip(value):
            resolved[name] = _strip(value)
    return resolved


def _expand(tokens: list[Any], variables: dict[str, list[Any]], depth: int) -> list[Any] | None:
    """``tokens`` with every ``var()`` replaced, or None when one cannot be (unknown, a cycle)."""
    if depth > _MAX_DEPTH:
        return None
    out: list[Any] = []
    for token in tokens:
        name = _variable_name(token)
        if name is not None:
            if name not in variables:
                return None
            inner = _expand(variables[name], variables, depth + 1)
            if inner is None:
                return None
            out += _strip(inner)
        elif token.type == "function":
            arguments = _expand(token.arguments, variables, depth)
            if arguments is None:
                return None
            out.append(_function(token, arguments))
        else:
            out.append(token)
    return out


def _substitute(nodes: list[Any], values: dict[str, list[Any]]) -> list[Any]:
    """Rules and tokens with each ``var(--name)`` of a known variable replaced by its value."""
    out: list[Any] = []
    for node in nodes:
        name = _variable_name(node)
        if name is not None and name in values:
            out += values[name]
        elif node.type == "function":
            out.append(_function(node, _substitute(node.arguments, values)))
        elif node.type in _BLOCKS and node.content is not None:
            node.content = _substitute(node.content, values)
            out.append(node)
        else:
            out.append(node)
    return out


def _variable_name(token: Any) -> str | None:
    """``name`` for a ``var(--name)`` or ``var(--name, fallback)`` token, else None."""
    if token.type != "function" or token.lower_name != "var":
        return None
    words = [t for t in token.arguments if t.type not in ("whitespace", "comment")]
    if words and words[0].type == "ident" and words[0].value.startswith("--"):
        return str(words[0].value[2:])
    return None


def _function(token: Any, arguments: list[Any]) -> Any:
    return tinycss2.ast.FunctionBlock(token.source_line, token.source_column, token.name, arguments)


def _strip(tokens: list[Any]) -> list[Any]:
    """Tokens without leading and trailing whitespace and comments."""
    kept = [i for i, t in enumerate(tokens) if t.type not in ("whitespace", "comment")]
    return tokens[kept[0] : kept[-1] + 1] if kept else []
