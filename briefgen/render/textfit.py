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
    """Cut a word too long for one line into pieces that fit: after hyphens, else anywhere.

    Widths are kept as running sums, so the work is linear in the word's
    length whatever it holds (40,000 zero-width combining marks once made
    this quadratic: minutes for one name).
    """
    scale = size * (BOLD_FACTOR if bold else 1.0)
    parts = [part + "-" for part in word.split("-")]
    parts[-1] = parts[-1][:-1]
    pieces: list[str] = []
    current: list[str] = []
    used = 0.0
    for part in (p for p in parts if p):
        part_width = sum(char_width(c) for c in part) * scale
        if current and used + part_width <= width:
            current.append(part)
            used += part_width
            continue
        if current:
            pieces.append("".join(current))
        current, used = [], 0.0
        for char in part:
            advance = char_width(char) * scale
            if current and used + advance > width:
                pieces.append("".join(current))
                current, used = [], 0.0
            current.append(char)
            used += advance
    return [*pieces, "".join(current)] if current else pieces


def wrap_text(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """Break ``text`` at spaces into lines no wider than ``width``; cut words that never fit.

    Linear in the length of ``text`` (running widths, see :func:`split_word`).
    """
    space = text_width(" ", size, bold=bold)
    tokens: list[tuple[bool, str, float]] = []  # (space before, piece, its width)
    for word in text.split():
        word_width = text_width(word, size, bold=bold)
        pieces = split_word(word, width, size, bold=bold) if word_width > width else [word]
        for index, piece in enumerate(pieces):
            piece_width = word_width if len(pieces) == 1 else text_width(piece, size, bold=bold)
            tokens.append((index == 0, piece, piece_width))
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for spaced, piece, piece_width in tokens:
        extra = piece_width + (space if spaced else 0.0)
        if not current or used + extra <= width:
            current += [" ", piece] if current and spaced else [piece]
            used += extra if current[:-1] else piece_width
        else:
            lines.append("".join(current))
            current, used = [piece], piece_width
    if current:
        lines.append("".join(current))
    return lines


def clip_lines(lines: list[str], count: int, width: float, size: float) -> list[str]:
    """Keep at most ``count`` lines, ending the last kept one with an ellipsis if any were cut."""
    if len(lines) <= count:
        return lines
    if count <= 0:
        return []
    kept = lines[:count]
    last = kept[-1]
    room = width - text_width("…", size)
    used = 0.0
    end = 0
    for index, char in enumerate(last):  # the longest prefix that leaves room for "…"
        used += char_width(char) * size
        if used > room:
            break
        end = index + 1
    return [*kept[:-1], last[: max(end, 1) if end < len(last) else end].rstrip() + "…"]
