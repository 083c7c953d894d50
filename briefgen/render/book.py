"""Render a resolved meeting to one self-contained HTML document.

Templates are Jinja2 with autoescape on for every file and
``StrictUndefined``, so user text can never become markup and a template typo
is an error.  User Markdown goes through markdown-it with raw HTML and images
disabled; photos and CSS are embedded, so the HTML has no external
references and can be e-mailed and opened offline.  Photos are cropped and
scaled to the pixels their printed size needs, so a camera original does not
inflate the book.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from briefgen import __version__
from briefgen.errors import RenderError
from briefgen.project.themes import THEMES, TemplateSet, builtin_templates
from briefgen.protocol.editions import select
from briefgen.protocol.forms import age_on, display_name, monogram, printed_form
from briefgen.render.i18n import (
    CatalogueError,
    format_day,
    format_long_date,
    format_timezone,
    is_rtl,
    translations_for,
    upper,
)
from briefgen.render.loader import TemplateSetLoader, template_set
from briefgen.render.photos import PhotoStore, embed_photo
from briefgen.render.sandbox import Hidden, PlainSandbox, render_plain, vetted
from briefgen.render.scripts import cjk_language, direction
from briefgen.render.summit import perspective_first
from briefgen.render.typography import (
    render_markdown,
    render_markdown_diff,
    render_markdown_inline,
    typographic,
)
from briefgen.schema.choices import Paper
from briefgen.schema.models import Meeting
from briefgen.schema.records import Attendee, DelegationRecord, MeetingRecord, PersonRecord

__all__ = ["Paper", "builtin_templates"]

BOOK_TEMPLATE = "book.html.j2"

#: The only values that reach the CSS ``@page { size }`` rule; user text never does.
PAPER_SIZES: dict[str, str] = {"a4": "A4", "letter": "letter"}


@dataclass(frozen=True)
class RenderOptions:
    """Choices that change the rendered book."""

    #: Family names in capitals; None: the project's setting (briefgen.yaml), else no.
    family_caps: bool | None = None
    #: None: the theme's paper (A4 for the default theme, US Letter for compact).
    paper: Paper | None = None


@dataclass(frozen=True)
class ChangeMarks:
    """The changes since a revision as the book shows them (made by ``briefgen.vcs.changes``).

    ``page`` is the plain data of the "Changes since" page; ``marks`` names the
    changed items, e.g. ``("programme", 1)``, for the change bars.
    """

    page: dict[str, Any]
    marks: frozenset[tuple[Any, ...]]


def _change_predicate(marks: frozenset[tuple[Any, ...]]) -> Any:
    """``changed(kind, *keys)`` for templates: true for an item named in ``marks``."""

    @vetted
    def changed(kind: str, *keys: Any) -> bool:
        return (kind, *keys) in marks

    return changed


@dataclass(frozen=True)
class BuildInfo:
    """Where a book came from, for its version line; injected so output stays reproducible."""

    built: date
    commit: str | None = None
    #: The date of ``commit``.
    committed: date | None = None
    #: Inputs differ from ``commit`` (or were never committed): the book is a DRAFT.
    draft: bool = False


@dataclass(frozen=True)
class Copy:
    """One numbered copy of a book, issued to a named recipient."""

    number: int
    total: int
    recipient: str


@lru_cache(maxsize=8)
def make_environment(
    template_dir: Path | None = None,
    theme: str = "default",
    code_cache: jinja2.BytecodeCache | None = None,
) -> jinja2.Environment:
    """A sandboxed Jinja environment over the user's folder, the theme and the built-in files.

    The sandbox keeps a template from reaching Python internals, because a
    template folder may live in the data folder.  Labels are translated with
    ``_()`` and ``ngettext()``; the translations come with each render.
    ``code_cache`` keeps compiled templates between processes.
    """
    templates = TemplateSet(template_dir, theme)
    env = PlainSandbox(
        bytecode_cache=code_cache,
        loader=TemplateSetLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
        finalize=typographic,
    )
    env.filters["markdown"] = render_markdown
    env.filters["markdown_inline"] = render_markdown_inline
    env.filters["markdown_diff"] = render_markdown_diff
    env.filters["clock"] = format_clock
    env.filters["dir"] = dir_attribute
    env.filters["page_parts"] = page_parts
    env.globals["stylesheet"] = vetted(lambda name: stylesheet(templates, name))
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True
    )
    return env


@vetted
@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, message: str) -> Markup:
    """A label in the book's language, as text: a catalogue can never add markup."""
    return escape(context.resolve("translations").value.gettext(message))


@vetted
@jinja2.pass_context
def _ngettext(context: jinja2.runtime.Context, singular: str, plural: str, count: int) -> Markup:
    return escape(context.resolve("translations").value.ngettext(singular, plural, count))


def stylesheet(templates: TemplateSet, name: str) -> Markup:
    """The text of a CSS file from the template folders, for a ``<style>`` element."""
    if not name.endswith(".css"):
        raise jinja2.TemplateError(f"stylesheet('{name}'): only .css files can be styles")
    text = templates.read(name)
    if "</" in text:
        raise jinja2.TemplateError(f"stylesheet '{name}' contains '</', which would end <style>")
    return Markup(text)


_PAGE_LABEL = re.compile(r"^(?P<before>.*?)\{page\}(?P<between>.*?)\{pages\}(?P<after>.*)$", re.S)


def page_parts(label: str) -> dict[str, Markup]:
    """Split ``Page {page} of {pages}`` (as translated) around the two page numbers.

    The parts reach the page margins through escaped attributes and CSS
    ``string()``, never as CSS text.  A label without both placeholders in
    that order is printed before the numbers as "N / M".
    """
    text = label.unescape() if isinstance(label, Markup) else label
    match = _PAGE_LABEL.match(text)
    if match is None:
        return {"before": escape(text + " "), "between": Markup(" / "), "after": Markup("")}
    return {key: escape(value) for key, value in match.groupdict().items()}


def dir_attribute(text: str | None) -> Markup:
    """`` dir="rtl"`` for right-to-left text (Arabic, Hebrew) inside the left-to-right book."""
    return Markup(' dir="rtl"') if text and direction(text) == "rtl" else Markup("")


def format_clock(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def running_title(title: str, limit: int = 60) -> str:
    """The title for page footers: at most ``limit`` characters, cut at a word with "…"."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + "…"


def version_stamp(build: BuildInfo | None, language: str) -> dict[str, Any]:
    """What the short stamp in every page's footer says, as values; the template words it.

    ``{"draft": False, "commit": "4dd8447", "date": "28 September 2017"}``
    prints as ``4dd8447, 28 September 2017``; a draft as ``DRAFT`` (with its
    commit, ``DRAFT · 4dd8447 + uncommitted changes``); no build, nothing.
    """
    if build is None or (build.commit is None and not build.draft):
        return {"draft": False, "commit": "", "date": ""}
    day = format_day(build.committed, language) if build.committed and not build.draft else ""
    return {"draft": build.draft, "commit": build.commit or "", "date": day}


def _topics(meeting: Meeting) -> list[dict[str, Any]]:
    """Each topic with its number and the anchor the contents links to."""
    return [
        {"anchor": f"topic-{number}", "number": number, "topic": topic}
        for number, topic in enumerate(meeting.topics, start=1)
    ]


def build_context(
    record: MeetingRecord,
    options: RenderOptions,
    templates: TemplateSet,
    build: BuildInfo | None = None,
    *,
    edition_label: str = "",
    copy: Copy | None = None,
    photo_cache: PhotoStore | None = None,
    env: jinja2.Environment | None = None,
) -> dict[str, Any]:
    """The plain values the book templates see; all formatting decisions live here.

    ``record`` is rendered as it is: an edition is chosen before (see
    :func:`briefgen.protocol.editions.select`); here list lines only lose their
    audience and marking keys; ``env`` draws the seating plan.  Labels are not here:
    the templates write them (in English, translated by the meeting's language).
    """
    from briefgen.render.material import book_seating

    meeting = select(record.meeting, None, record.meeting.marking)
    seating = book_seating(record, env or make_environment(templates.user, templates.theme))
    language = meeting.language
    paper = options.paper or THEMES[templates.theme].paper
    if paper not in PAPER_SIZES:
        raise RenderError(f"unknown paper size '{paper}': use one of a4, letter")
    try:
        translations = translations_for(templates, language)
    except CatalogueError as exc:
        raise RenderError(str(exc)) from exc
    delegations = [_delegation_view(d, options) for d in perspective_first(record)]
    people = [
        _person_view(a, d, meeting.date, language, options, photo_cache)
        for d in perspective_first(record)
        for a in (*d.members, *d.support)
    ]
    topics = _topics(meeting)
    return {
        **_when_and_where(meeting, language),
        "id": record.id,
        "meeting": meeting,
        "language": language,
        "book_dir": "rtl" if is_rtl(language) else "ltr",
        "translations": Hidden(translations),
        "title": meeting.title,
        "short_title": running_title(meeting.short_title or meeting.title),
        "marking": upper(meeting.marking, language),
        "caveats": [upper(c, language) for c in meeting.caveats],
        "delegations": delegations,
        "perspective": _perspective(delegations, meeting.perspective),
        "programme": sorted(meeting.programme, key=lambda item: item.time),
        "topics": topics,
        "biographies": people,
        "contents": _contents(meeting, topics, people, seating),
        "seating": seating,
        "page_size": PAPER_SIZES[paper],
        "built": format_day(build.built, language) if build else "",
        "commit": (build.commit or "") if build else "",
        "committed": format_day(build.committed, language) if build and build.committed else "",
        "version": __version__,
        "edition_label": edition_label,
        "copy": vars(copy).copy() if copy else None,
        "watermark": copy.recipient if copy else "",
        "generator": f"briefgen {__version__}",
    }


def _perspective(delegations: list[dict[str, Any]], perspective: str | None) -> str:
    """The name of the delegation the book is written for ("" when none)."""
    return next((d["name"] for d in delegations if d["id"] == perspective), "")


def _when_and_where(meeting: Meeting, language: str) -> dict[str, str]:
    """The cover's date, hours, time zone and place, formatted for ``language``."""
    zone = (
        format_timezone(meeting.timezone, meeting.date, meeting.start, language)
        if meeting.timezone
        else ""
    )
    return {
        "date_text": format_long_date(meeting.date, language),
        "time_text": "–".join(format_clock(t) for t in (meeting.start, meeting.end) if t),
        "timezone": zone,
        "place_text": ", ".join(p for p in (meeting.venue, meeting.city) if p),
    }


def _contents(
    meeting: Meeting,
    topics: list[dict[str, Any]],
    people: list[dict[str, Any]],
    seating: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    """The book's sections in order, people under Biographies: the contents page and the outline.

    ``section`` names the kind of entry; the template gives it its label.
    """

    def entry(
        section: str, anchor: str, title: str = "", children: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        return {"section": section, "anchor": anchor, "title": title, "children": children or []}

    sections = []
    if meeting.programme:
        sections.append(entry("programme", "programme"))
    if meeting.objectives:
        sections.append(entry("objectives", "objectives"))
    sections += [entry("topic", t["anchor"], f"{t['number']}. {t['topic'].title}") for t in topics]
    sections.append(entry("delegations", "delegations"))
    if seating:
        sections.append(entry("seating", "seating"))
    bios = [entry("person", p["anchor"], p["outline_name"]) for p in people]
    sections.append(entry("biographies", "biographies", children=bios))
    if meeting.press:
        sections.append(entry("press", "press"))
    return sections


def _delegation_view(record: DelegationRecord, options: RenderOptions) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.delegation.name,
        "short": record.delegation.short or record.delegation.name,
        "is_host": record.is_host,
        "members": [_member_view(a, options) for a in record.members],
        "support": [_member_view(a, options) for a in record.support],
    }


def _member_view(attendee: Attendee, options: RenderOptions) -> dict[str, Any]:
    person = attendee.record.person
    return {
        "id": attendee.record.id,
        "anchor": f"bio-{attendee.record.id}",
        "printed": printed_form(person, family_caps=bool(options.family_caps)),
        "role": attendee.role or "",
        "native": person.name.native or "",
        "rank": attendee.rank,
        "support": attendee.member.support,
    }


def _person_view(
    attendee: Attendee,
    delegation: DelegationRecord,
    meeting_date: date,
    language: str,
    options: RenderOptions,
    photo_cache: PhotoStore | None = None,
) -> dict[str, Any]:
    record: PersonRecord = attendee.record
    person = record.person
    role = attendee.role or ""
    name = display_name(person.name)
    native = "" if person.name.native == name else person.name.native or ""
    return {
        **_member_view(attendee, options),
        "name": name,
        "native": native,
        "native_lang": cjk_language(native, delegation.delegation.country) or "",
        "outline_name": display_name(person.name, family_caps=bool(options.family_caps)),
        "delegation": delegation.delegation.short or delegation.delegation.name,
        "office": person.office if person.office and person.office != role else "",
        "pronunciation": person.name.pronunciation or "",
        "born": format_day(person.born, language) if person.born else "",
        "age": age_on(person.born, meeting_date) if person.born else None,
        "photo": embed_photo(record.photo, photo_cache) if record.photo else "",
        "monogram": monogram(person.name),
        "bio": person.bio or "",
    }


def render_book(
    record: MeetingRecord,
    env: jinja2.Environment,
    options: RenderOptions | None = None,
    build: BuildInfo | None = None,
    changes: ChangeMarks | None = None,
    *,
    edition_label: str = "",
    copy: Copy | None = None,
    photo_cache: PhotoStore | None = None,
) -> str:
    """Render the meeting's briefing book to a self-contained HTML string.

    ``env`` comes from :func:`make_environment` (it decides the templates and
    theme); ``build`` feeds the cover's version line, the footer's stamp and
    the DRAFT watermark; without it the line names only the briefgen version.
    ``changes`` adds the "Changes since" page and change bars (their
    positions refer to the full meeting, so use them without an edition).
    ``edition_label`` is printed on the cover; ``copy`` adds the copy line
    to the page furniture and the recipient's watermark.  ``photo_cache`` is
    a folder for downscaled photos (see :func:`embed_photo`).
    """
    try:
        template = env.get_template(BOOK_TEMPLATE)
        context = build_context(
            record,
            options or RenderOptions(),
            template_set(env),
            build,
            edition_label=edition_label,
            copy=copy,
            photo_cache=photo_cache,
            env=env,
        )
        context["changes"] = changes.page if changes else None
        context["changed"] = _change_predicate(changes.marks if changes else frozenset())
        context["version_stamp"] = version_stamp(build, record.meeting.language)
        context["draft"] = bool(build and build.draft)
        return render_plain(template, context)
    except jinja2.TemplateError as exc:
        raise RenderError(f"template error: {exc}") from exc
