"""Language codes: which ones are known (CLDR data through Babel) and their locales."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError


@lru_cache(maxsize=64)
def babel_locale(language: str) -> Locale:
    """The Babel locale of a language code (``en`` means British English)."""
    if language == "en":
        return Locale.parse("en_GB")
    return Locale.parse(language, sep="-")


def is_known_language(language: str) -> bool:
    """True when Babel has CLDR data for the code (``ru``, ``fr-CA``)."""
    try:
        babel_locale(language)
    except (UnknownLocaleError, ValueError):
        return False
    return True
