"""Writing systems in the data: text direction, CJK language hints and font coverage.

Font coverage is what the bundled fonts have (:mod:`briefgen.fonts`: Latin,
Cyrillic, Greek) plus what fontconfig (``fc-list``, asked once per run) finds
installed; Pango, under WeasyPrint, falls back to any installed font, so a
character none of them has is a missing glyph in the PDF (and WeasyPrint's
warning fails the build).  This is the one place that decides it: the lint
(BG413) and the PDF build's message both use it.
"""

from __future__ import annotations

import bisect
import importlib.util
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal

Direction = Literal["ltr", "rtl"]

#: Characters that need no glyph of their own (spaces, joiners, marks of direction).
_NO_GLYPH_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Co", "Cs", "Cn"})
_CJK_BY_COUNTRY = {"JP": "ja", "KR": "ko", "KP": "ko", "TW": "zh-Hant", "HK": "zh-Hant"}
#: Code points (first, last) every bundled font has, so text in them needs no font opened:
#: Latin, Greek (without the Coptic letters), Cyrillic, punctuation, currency signs.
#: ``tests/test_scripts.py`` checks them against the fonts' own tables.
SURELY_BUNDLED = (
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x370, 0x3E1),
    (0x400, 0x4FF),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20BF),
)


def direction(text: str) -> Direction | None:
    """The direction of the first strong character: ``rtl`` for Arabic or Hebrew text.

    >>> direction("محمد"), direction("Anna"), direction("2017")
    ('rtl', 'ltr', None)
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def cjk_language(text: str, country: str | None = None) -> str | None:
    """A ``lang`` value for CJK text, so the font draws the right regional glyph forms.

    Kana means Japanese and Hangul Korean; Han characters alone are read as the
    language of the delegation's country (Chinese by default).

    >>> cjk_language("安倍晋三", "JP"), cjk_language("あべ"), cjk_language("Abe")
    ('ja', 'ja', None)
    """
    names = [unicodedata.name(c, "") for c in text if ord(c) >= 0x1100]
    if any(n.startswith(("HIRAGANA", "KATAKANA")) for n in names):
        return "ja"
    if any(n.startswith("HANGUL") for n in names):
        return "ko"
    if any(n.startswith("CJK") for n in names):
        return _CJK_BY_COUNTRY.get(country or "", "zh")
    return None


def script_name(char: str) -> str:
    """A reader's name for the writing system of ``char``: ``Arabic``, ``Chinese (Han)``."""
    name = unicodedata.name(char, "")
    if name.startswith("CJK") or "IDEOGRAPH" in name:
        return "Chinese (Han)"
    if name.startswith(("HIRAGANA", "KATAKANA")):
        return "Japanese kana"
    if name.startswith("HANGUL"):
        return "Korean Hangul"
    if unicodedata.category(char).startswith("S"):
        return "symbol"
    first = name.split(" ", 1)[0] if name else f"U+{ord(char):04X}"
    return first.capitalize()


def font_package(script: str) -> str:
    """The Debian package that has fonts for ``script`` (one the bundled fonts lack)."""
    if script in ("Chinese (Han)", "Japanese kana", "Korean Hangul"):
        return "fonts-noto-cjk"
    if script == "symbol":
        return "fonts-noto-core, fonts-symbola or fonts-noto-color-emoji"
    return "fonts-noto-core, or fonts-noto-extra for rarer scripts"


def _bundled_installed() -> bool:
    """Whether the bundled fonts can be read (the ``pdf`` extra), without opening them."""
    from briefgen.render.fonts import MissingFonts, bundled_fonts

    try:
        bundled_fonts()
    except MissingFonts:
        return False
    return importlib.util.find_spec("fontTools") is not None


def _surely_bundled(point: int) -> bool:
    return any(first <= point <= last for first, last in SURELY_BUNDLED)


def needs_glyph(char: str) -> bool:
    return ord(char) > 0x7E and unicodedata.category(char) not in _NO_GLYPH_CATEGORIES


def _parse_charset(text: str) -> list[tuple[int, int]]:
    """fontconfig's ``%{charset}``: ``20-7e a0-17f 2013`` → merged, sorted ranges."""
    ranges = []
    for part in set(text.split()):  # fonts share most ranges: parse each once
        low, _, high = part.partition("-")
        try:
            ranges.append((int(low, 16), int(high or low, 16)))
        except ValueError:
            continue
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@lru_cache(maxsize=1)
def installed_coverage() -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """Start and end code points of what the installed fonts cover; None without fontconfig."""
    tool = shutil.which("fc-list")
    if tool is None:
        return None
    try:
        result = subprocess.run(
            [tool, "--format", "%{charset}\n"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    merged = _parse_charset(result.stdout)
    return tuple(low for low, _ in merged), tuple(high for _, high in merged)


def to_ask(chars: Iterable[str]) -> list[str]:
    """The characters (sorted) only the fonts can decide: those that need a glyph, less
    those of :data:`SURELY_BUNDLED` when the bundled fonts are installed.

    :func:`uncovered` depends on nothing else of the text, so an answer kept for
    these characters (:mod:`briefgen.outputs.coverage`) is the answer for the text.
    """
    rest = [c for c in sorted(set(chars)) if needs_glyph(c)]
    if rest and _bundled_installed():
        rest = [c for c in rest if not _surely_bundled(ord(c))]
    return rest


def uncovered(chars: Iterable[str]) -> list[str]:
    """The characters (sorted) that neither a bundled nor an installed font has.

    The bundled fonts are asked first, so text they cover (Latin, Cyrillic,
    Greek) never starts fontconfig; text in :data:`SURELY_BUNDLED` opens no
    font at all.  Empty when fontconfig is missing and the bundled fonts lack
    a character (nothing can be said then).
    """
    from briefgen.render.fonts import MissingFonts, bundled_coverage

    rest = to_ask(chars)
    try:
        bundled = bundled_coverage() if rest else frozenset()
    except (MissingFonts, ImportError):  # installed without the pdf extra
        bundled = frozenset()
    rest = [c for c in rest if ord(c) not in bundled]
    coverage = installed_coverage() if rest else None
    if coverage is None:
        return []
    starts, ends = coverage
    missing = []
    for char in rest:
        point = ord(char)
        index = bisect.bisect_right(starts, point) - 1
        if index < 0 or ends[index] < point:
            missing.append(char)
    return missing
