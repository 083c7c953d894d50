"""Render a resolved meeting to one self-contained HTML document.

Templates are Jinja2 with autoescape on for every file and
``StrictUndefined``, so user text can never become markup and a template typo
is an error.  User Markdown goes through markdown-it with raw HTML and images
disabled; photos and CSS are embedded, so the HTML has no external
references and can be e-mailed and opened offline.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import __version__
from .errors import RenderError
from .load import Attendee, DelegationRecord, MeetingRecord, PersonRecord
from .protocol import display_name, monogram, printed_form

BOOK_TEMPLATE = "book.html.j2"
_IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


@dataclass(frozen=True)
class RenderOptions:
    """Choices that change the rendered book."""

    family_caps: bool = False


def builtin_templates() -> Path:
    """The templates shipped with briefgen (inside the wheel, or the source checkout)."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


@lru_cache(maxsize=8)
def make_environment(template_dir: Path | None = None) -> jinja2.Environment:
    """A Jinja environment over ``template_dir`` (default: the built-in templates)."""
    folder = template_dir or builtin_templates()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = render_markdown
    env.filters["markdown_inline"] = render_markdown_inline
    env.filters["clock"] = format_clock
    return env


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": False, "typographer": True})
        .enable(["replacements", "smartquotes"])
        .disable("image")
    )


def render_markdown(text: str) -> Markup:
    """Block Markdown → HTML; raw HTML is shown as text, images and unsafe links dropped."""
    return Markup(_markdown().render(text))


def render_markdown_inline(text: str) -> Markup:
    """One line of Markdown (a list item) → inline HTML."""
    return Markup(_markdown().renderInline(text))


def format_clock(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def format_long_date(value: date, language: str) -> str:
    """E.g. ``Thursday 28 September 2017`` for English books."""
    locale = "en_GB" if language == "en" else language
    return format_date(value, "EEEE d MMMM y", locale=locale)


def embed_image(path: Path) -> str:
    """A ``data:`` URI for an image file, its type sniffed from the content."""
    from PIL import Image, UnidentifiedImageError

    data = path.read_bytes()
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = _IMAGE_TYPES.get(image.format or "")
    except (UnidentifiedImageError, OSError) as exc:
        raise RenderError(f"{path}: not a readable image ({exc})") from exc
    if kind is None:
        raise RenderError(f"{path}: image type is not one of JPEG, PNG, GIF, WebP")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def build_context(record: MeetingRecord, options: RenderOptions, stylesheet: str) -> dict[str, Any]:
    """The plain values the book templates see; all formatting decisions live here."""
    from .protocol_render import seating_section

    meeting = record.meeting
    delegations = [_delegation_view(d, options) for d in record.delegations]
    by_id = {d["id"]: d for d in delegations}
    people = [
        _person_view(a, d, options) for d in record.delegations for a in (*d.members, *d.support)
    ]
    when = format_long_date(meeting.date, meeting.language)
    hours = "–".join(format_clock(t) for t in (meeting.start, meeting.end) if t)
    return {
        "id": record.id,
        "meeting": meeting,
        "title": meeting.title,
        "short_title": meeting.short_title or meeting.title,
        "date_text": when,
        "time_text": hours,
        "timezone": meeting.timezone or "",
        "place_text": ", ".join(p for p in (meeting.venue, meeting.city) if p),
        "marking": meeting.marking.upper(),
        "caveats": [c.upper() for c in meeting.caveats],
        "delegations": delegations,
        "perspective": by_id[meeting.perspective]["name"] if meeting.perspective else "",
        "programme": sorted(meeting.programme, key=lambda item: item.time),
        "biographies": people,
        "seating": seating_section(record),
        "stylesheet": Markup(stylesheet),
        "generator": f"briefgen {__version__}",
    }


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
        "printed": printed_form(person, family_caps=options.family_caps),
        "role": attendee.role or "",
        "native": person.name.native or "",
        "rank": attendee.rank,
    }


def _person_view(
    attendee: Attendee, delegation: DelegationRecord, options: RenderOptions
) -> dict[str, Any]:
    record: PersonRecord = attendee.record
    person = record.person
    return {
        **_member_view(attendee, options),
        "name": display_name(person.name),
        "delegation": delegation.delegation.short or delegation.delegation.name,
        "office": person.office or "",
        "pronunciation": person.name.pronunciation or "",
        "born": format_date(person.born, "d MMMM y", locale="en_GB") if person.born else "",
        "photo": embed_image(record.photo) if record.photo else "",
        "monogram": monogram(person.name),
        "bio": person.bio or "",
    }


def render_book(
    record: MeetingRecord, env: jinja2.Environment, options: RenderOptions | None = None
) -> str:
    """Render the meeting's briefing book to a self-contained HTML string."""
    assert env.loader is not None
    try:
        stylesheet, _, _ = env.loader.get_source(env, "book.css")
        template = env.get_template(BOOK_TEMPLATE)
        return template.render(build_context(record, options or RenderOptions(), stylesheet))
    except jinja2.TemplateError as exc:
        raise RenderError(f"template error: {exc}") from exc
