"""Estimate how wide text is set, to shrink or wrap it before it can overflow.

The estimate is deliberately generous (about 5-10 % wider than DejaVu Sans,
the widest of the fonts the templates name), so text laid out with it fits
whichever of them the system has.  Pure functions, no font files read.
"""

from __future__ import annotations

import math
import unicodedata

_NARROW = frozenset("iljtfrI.,:;'!|()[]-\u2019 ")
_WIDE = frozenset("mwMWШЩЖЮМжшщюм—@%")
BOLD_FACTOR = 1.1


def char_width(char: str) -> float:
    """Advance width of one character in ems (an over-estimate)."""
    if char in _NARROW:
        return 0.42
    if char in _WIDE:
        return 1.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.05
    if unicodedata.combining(char):
        return 0.0
    if char.isupper():
        return 0.76
    return 0.62


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width of ``text`` set at ``size`` (any unit; the result is in that unit)."""
    width = sum(char_width(c) for c in text) * size
    return width * BOLD_FACTOR if bold else width


def fit_size(
    text: str, width: float, largest: float, smallest: float, *, bold: bool = False
) -> float:
    """The largest size in [smallest, largest] at which ``text`` fits ``width``, else smallest."""
    needed = text_width(text, 1.0, bold=bold)
    if needed <= 0:
        return largest
    return max(smallest, min(largest, math.floor(width / needed * 100) / 100))


def split_word(word: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """Cut a word too long for one line into pieces that fit: after hyphens, else anywhere."""
    parts = [part + "-" for part in word.split("-")]
    parts[-1] = parts[-1][:-1]
    pieces: list[str] = []
    current = ""
    for part in (p for p in parts if p):
        if current and text_width(current + part, size, bold=bold) <= width:
            current += part
            continue
        if current:
            pieces.append(current)
        current = ""
        for char in part:
            if current and text_width(current + char, size, bold=bold) > width:
                pieces.append(current)
                current = char
            else:
                current += char
    return [*pieces, current] if current else pieces


def wrap_text(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """Break ``text`` at spaces into lines no wider than ``width``; cut words that never fit."""
    tokens: list[tuple[str, str]] = []  # (separator before, piece)
    for word in text.split():
        pieces = (
            split_word(word, width, size, bold=bold)
            if text_width(word, size, bold=bold) > width
            else [word]
        )
        tokens += [(" " if i == 0 else "", piece) for i, piece in enumerate(pieces)]
    lines: list[str] = []
    current = ""
    for separator, piece in tokens:
        candidate = f"{current}{separator}{piece}" if current else piece
        if not current or text_width(candidate, size, bold=bold) <= width:
            current = candidate
        else:
            lines.append(current)
            current = piece
    if current:
        lines.append(current)
    return lines


def clip_lines(lines: list[str], count: int, width: float, size: float) -> list[str]:
    """Keep at most ``count`` lines, ending the last kept one with an ellipsis if any were cut."""
    if len(lines) <= count:
        return lines
    if count <= 0:
        return []
    kept = lines[:count]
    last = kept[-1] + "…"
    while len(last) > 1 and text_width(last, size) > width:
        last = last[:-2].rstrip() + "…"
    return [*kept[:-1], last]
