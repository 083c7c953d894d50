"""The book's language: label catalogues (gettext ``.po`` files) and Babel formats.

Labels are written in English in the templates, wrapped in ``_()`` or
``ngettext()``.  A language is one file ``locale/<code>.po`` in a template
folder (the user's, the theme's or the built-in one, first found wins),
read with Babel at run time, so nothing is compiled at install.  A label a
catalogue lacks prints in English; :func:`missing_labels` lists them for
``briefgen check``.  Dates, weekdays, months and time zones come from the
CLDR data in Babel, so they exist for every language Babel knows.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, get_timezone, get_timezone_location
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from briefgen import __version__
from briefgen.project.themes import MAX_TEMPLATE_BYTES, TemplateSet
from briefgen.schema.languages import babel_locale

#: The languages shipped complete with briefgen.
SHIPPED_LANGUAGES = ("en", "ru", "tr", "fr")
SOURCE_LANGUAGE = "en"
#: House style for English dates: no comma after the weekday (CLDR en_GB has one).
_DATE_PATTERNS = {"en": ("EEEE d MMMM y", "d MMMM y")}


def is_rtl(language: str) -> bool:
    return babel_locale(language).character_order == "right-to-left"


def language_name(language: str) -> str:
    """The language's English name, e.g. ``Russian``."""
    return Locale.parse(language.split("-")[0]).get_display_name("en") or language


def format_long_date(value: date, language: str) -> str:
    """Weekday and date: ``Thursday 28 September 2017``, ``четверг, 28 сентября 2017 г.``."""
    pattern = _DATE_PATTERNS.get(language, ("full", "long"))[0]
    return format_date(value, pattern, locale=babel_locale(language))


def format_day(value: date, language: str) -> str:
    """Date without weekday: ``28 September 2017``, ``28 сентября 2017 г.``."""
    pattern = _DATE_PATTERNS.get(language, ("full", "long"))[1]
    return format_date(value, pattern, locale=babel_locale(language))


def format_timezone(zone: str, day: date, at: time | None, language: str) -> str:
    """A zone's place and UTC offset on a day: ``Istanbul, GMT+03:00``, ``Стамбул, GMT+03:00``."""
    locale = babel_locale(language)
    moment = datetime.combine(day, at or time(12, 0), tzinfo=get_timezone(zone))
    offset = format_datetime(moment, "ZZZZ", locale=locale)
    if "/" not in zone or zone.startswith("Etc/"):  # UTC, Etc/GMT+3: no place to name
        return offset
    return f"{get_timezone_location(zone, locale=locale, return_city=True)}, {offset}"


def catalogue_path(templates: TemplateSet, language: str) -> Path | None:
    """The ``.po`` file for ``language`` (``fr-CA`` falls back to ``fr``), if there is one."""
    for code in dict.fromkeys((language, language.split("-")[0])):
        found = templates.find(f"locale/{code}.po")
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class Catalogue:
    """One language's labels: the parsed ``.po`` file and gettext functions over it."""

    path: Path
    catalog: Catalog
    translations: Translations

    def translated(self) -> set[str]:
        """The labels with a translation (fuzzy entries do not count)."""
        return {
            str(message.id[0] if isinstance(message.id, tuple) else message.id)
            for message in self.catalog
            if message.id and not message.fuzzy and _complete(message.string)
        }


def _complete(string: str | tuple[str, ...] | list[str] | None) -> bool:
    if isinstance(string, tuple | list):
        return bool(string) and all(string)
    return bool(string)


class CatalogueError(ValueError):
    """A ``.po`` file cannot be read."""


def load_catalogue(path: Path) -> Catalogue:
    """Parse a ``.po`` file (cached while the file is unchanged)."""
    stat = path.stat()
    return _load_catalogue(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _load_catalogue(path: Path, _mtime_ns: int, size: int) -> Catalogue:
    if size > MAX_TEMPLATE_BYTES:
        raise CatalogueError(f"{path} is larger than {MAX_TEMPLATE_BYTES:,} bytes")
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, ignore_obsolete=True, abort_invalid=True)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        translations = Translations(fp=buffer)
    except Exception as exc:  # Babel raises several kinds for a broken file
        raise CatalogueError(f"{path}: not a valid gettext catalogue ({exc})") from exc
    return Catalogue(path, catalog, translations)


def translations_for(templates: TemplateSet, language: str) -> NullTranslations:
    """gettext functions for ``language``; English (the labels as written) when no catalogue."""
    path = catalogue_path(templates, language)
    if path is None:  # a user's locale/en.po may rename English labels
        return NullTranslations()
    return load_catalogue(path).translations


Message = str | tuple[str, str]


@lru_cache(maxsize=16)
def _messages_in(path: Path, _mtime_ns: int) -> tuple[Message, ...]:
    from babel.messages.extract import extract

    found: list[Message] = []
    with path.open("rb") as handle:
        for _, message, _, _ in extract(
            "jinja2.ext:babel_extract",
            handle,
            keywords={"_": None, "gettext": None, "ngettext": (1, 2)},
            options={"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"},
        ):
            if isinstance(message, tuple | list):
                found.append((str(message[0]), str(message[1])))
            else:
                found.append(str(message))
    return tuple(found)


def template_messages(templates: TemplateSet) -> dict[str, Message]:
    """Every label the templates can print (keyed by its English singular), in order."""
    messages: dict[str, Message] = {}
    for path in templates.template_files():
        for message in _messages_in(path, path.stat().st_mtime_ns):
            messages.setdefault(message[0] if isinstance(message, tuple) else message, message)
    return messages


def template_labels(templates: TemplateSet) -> list[str]:
    """Every label the templates can print, in order of first appearance."""
    return list(template_messages(templates))


def missing_labels(templates: TemplateSet, language: str) -> tuple[Path | None, list[str]]:
    """The catalogue used for ``language`` and the labels it does not translate.

    English needs no catalogue.  Raises :class:`CatalogueError` for a broken file.
    """
    if language.split("-")[0] == SOURCE_LANGUAGE:
        return None, []
    path = catalogue_path(templates, language)
    labels = template_labels(templates)
    if path is None:
        return None, labels
    translated = load_catalogue(path).translated()
    return path, [label for label in labels if label not in translated]


def upper(text: str, language: str) -> str:
    """Capitals by the language's rules: Turkish ``i`` → ``İ``, Greek without accents."""
    base = language.split("-")[0]
    if base in ("tr", "az"):
        text = text.replace("i", "İ")
    capitals = text.upper()
    if base == "el":
        decomposed = unicodedata.normalize("NFD", capitals)
        capitals = unicodedata.normalize(
            "NFC", "".join(c for c in decomposed if c not in "\u0301\u0342\u0313\u0314")
        )
    return capitals


def starter_catalogue(templates: TemplateSet, language: str) -> bytes:
    """A ``.po`` file for ``language`` with every label of the templates, untranslated."""
    from babel.messages.pofile import write_po

    locale = babel_locale(language)
    catalog = Catalog(
        locale=locale,
        project="briefgen",
        version=__version__,
        msgid_bugs_address="",
        language_team=f"{language_name(language)} <>",
        header_comment=(
            f"# Labels of the briefing book in {language_name(language)}.\n"
            "# Fill in each msgstr; an empty one prints the English label, and\n"
            "# `briefgen check` lists the missing ones. Keep %(name)s, {page} and\n"
            "# {pages} as they are; they are replaced by values."
        ),
    )
    catalog.fuzzy = False
    for message in template_messages(templates).values():
        catalog.add(message)
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, no_location=True)
    return out.getvalue()
