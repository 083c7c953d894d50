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

import base64
import io
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jinja2
from babel.dates import format_date
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import __version__
from .errors import RenderError
from .load import Attendee, DelegationRecord, MeetingRecord, PersonRecord
from .model import Meeting
from .protocol import age_on, display_name, monogram, printed_form

BOOK_TEMPLATE = "book.html.j2"
_IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}

Paper = Literal["a4", "letter"]
#: The only values that reach the CSS ``@page { size }`` rule; user text never does.
PAPER_SIZES: dict[str, str] = {"a4": "A4", "letter": "letter"}
#: Printed size of a biography photo (width, height) in mm; book.css uses the same numbers.
PHOTO_SIZE_MM = (32.0, 40.0)
PRINT_DPI = 300
_JPEG_QUALITY = 90


@dataclass(frozen=True)
class RenderOptions:
    """Choices that change the rendered book."""

    family_caps: bool = False
    paper: Paper = "a4"


@dataclass(frozen=True)
class BuildInfo:
    """Where a book came from, for its version line; injected so output stays reproducible."""

    built: date
    commit: str | None = None


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


def running_title(title: str, limit: int = 60) -> str:
    """The title for page footers: at most ``limit`` characters, cut at a word with "…"."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + "…"


def _locale(language: str) -> str:
    return "en_GB" if language == "en" else language


def format_long_date(value: date, language: str) -> str:
    """E.g. ``Thursday 28 September 2017`` for English books."""
    return format_date(value, "EEEE d MMMM y", locale=_locale(language))


def format_day(value: date, language: str) -> str:
    """E.g. ``28 September 2017`` for English books."""
    return format_date(value, "d MMMM y", locale=_locale(language))


def pixels_for(size_mm: float, dpi: int = PRINT_DPI) -> int:
    """Pixels needed to print ``size_mm`` at ``dpi``."""
    return round(size_mm / 25.4 * dpi)


def fit_photo(
    data: bytes, width_mm: float, height_mm: float, dpi: int = PRINT_DPI
) -> tuple[bytes, str]:
    """Crop ``data`` to the frame's proportions and scale it down to its print resolution.

    Returns the new image bytes and their MIME type.  EXIF orientation is
    applied (and all metadata dropped, GPS positions included); images are
    never enlarged.  Photos stay JPEG; images with transparency become PNG.
    Raises ``ValueError`` for data that is not a readable JPEG, PNG, GIF or WebP.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as original:
            if original.format not in _IMAGE_TYPES:
                raise ValueError("image type is not one of JPEG, PNG, GIF, WebP")
            image = ImageOps.exif_transpose(original)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValueError(f"not a readable image ({exc})") from exc
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if transparent else "RGB")
    target_w, target_h = pixels_for(width_mm, dpi), pixels_for(height_mm, dpi)
    aspect = target_w / target_h
    if image.width / image.height > aspect:
        crop_w, crop_h = image.height * aspect, float(image.height)
    else:
        crop_w, crop_h = float(image.width), image.width / aspect
    scale = min(1.0, target_w / crop_w)
    size = (max(1, round(crop_w * scale)), max(1, round(crop_h * scale)))
    image = ImageOps.fit(image, size, method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if transparent:
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), "image/png"
    image.save(out, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
    return out.getvalue(), "image/jpeg"


def embed_photo(path: Path, cache_dir: Path | None = None) -> str:
    """A ``data:`` URI for a biography photo, sized for print (see :func:`fit_photo`).

    With ``cache_dir``, the downscaled photo is kept there by the digest of
    the original, so the next build does not decode and scale it again.
    """
    from .cache import KeyBuilder, cached_photo, store_photo

    try:
        original = path.read_bytes()
        key = (
            KeyBuilder("photo")
            .add("version", __version__)
            .add("fit", f"{PHOTO_SIZE_MM}@{PRINT_DPI}dpi,q{_JPEG_QUALITY}")
            .add("bytes", original)
            .hexdigest()
        )
        found = cached_photo(cache_dir, key) if cache_dir else None
        if found is None:
            found = fit_photo(original, *PHOTO_SIZE_MM)
            if cache_dir:
                store_photo(cache_dir, key, *found)
        data, kind = found
    except ValueError as exc:
        raise RenderError(f"{path}: {exc}") from exc
    except OSError as exc:
        raise RenderError(f"{path}: cannot read the photo ({exc.strerror})") from exc
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def version_line(build: BuildInfo | None, language: str) -> str:
    """E.g. ``Built 28 September 2017 from commit 4dd8447 · briefgen 0.1.0``."""
    parts = [f"briefgen {__version__}"]
    if build is not None:
        built = f"Built {format_day(build.built, language)}"
        if build.commit:
            built += f" from commit {build.commit}"
        parts.insert(0, built)
    return " · ".join(parts)


def build_context(
    record: MeetingRecord,
    options: RenderOptions,
    stylesheet: str,
    build: BuildInfo | None = None,
    photo_cache: Path | None = None,
) -> dict[str, Any]:
    """The plain values the book templates see; all formatting decisions live here."""
    from .protocol_render import seating_section

    meeting = record.meeting
    seating = seating_section(record)
    if options.paper not in PAPER_SIZES:
        raise RenderError(f"unknown paper size '{options.paper}': use one of a4, letter")
    delegations = [_delegation_view(d, options) for d in record.delegations]
    by_id = {d["id"]: d for d in delegations}
    people = [
        _person_view(a, d, meeting.date, meeting.language, options, photo_cache)
        for d in record.delegations
        for a in (*d.members, *d.support)
    ]
    topics = [
        {"anchor": f"topic-{number}", "number": number, "topic": topic}
        for number, topic in enumerate(meeting.topics, start=1)
    ]
    when = format_long_date(meeting.date, meeting.language)
    hours = "–".join(format_clock(t) for t in (meeting.start, meeting.end) if t)
    place = ", ".join(p for p in (meeting.venue, meeting.city) if p)
    perspective = by_id[meeting.perspective]["name"] if meeting.perspective else ""
    return {
        "id": record.id,
        "meeting": meeting,
        "title": meeting.title,
        "short_title": running_title(meeting.short_title or meeting.title),
        "date_text": when,
        "time_text": hours,
        "timezone": meeting.timezone or "",
        "place_text": place,
        "marking": meeting.marking.upper(),
        "caveats": [c.upper() for c in meeting.caveats],
        "delegations": delegations,
        "perspective": perspective,
        "programme": sorted(meeting.programme, key=lambda item: item.time),
        "topics": topics,
        "biographies": people,
        "contents": _contents(meeting, topics, people, seating),
        "seating": seating,
        "stylesheet": Markup(stylesheet),
        "page_size": PAPER_SIZES[options.paper],
        "version_text": version_line(build, meeting.language),
        "generator": f"briefgen {__version__}",
        "subject": " — ".join(p for p in ("Briefing book", meeting.title, place, when) if p),
        "keywords": ", ".join(
            ["briefing book", meeting.marking.upper(), *(d["name"] for d in delegations)]
            + ([meeting.city] if meeting.city else [])
            + ([f"briefing for {perspective}"] if perspective else [])
        ),
    }


def _contents(
    meeting: Meeting,
    topics: list[dict[str, Any]],
    people: list[dict[str, Any]],
    seating: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    """The book's sections in order, people under Biographies: the contents page and the outline."""

    def entry(
        anchor: str, title: str, children: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        return {"anchor": anchor, "title": title, "children": children or []}

    sections = []
    if meeting.programme:
        sections.append(entry("programme", "Programme"))
    if meeting.objectives:
        sections.append(entry("objectives", "Objectives"))
    sections += [entry(t["anchor"], f"{t['number']}. {t['topic'].title}") for t in topics]
    sections.append(entry("delegations", "Delegations"))
    if seating:
        sections.append(entry("seating", "Seating plan"))
    bios = [entry(p["anchor"], p["outline_name"]) for p in people]
    sections.append(entry("biographies", "Biographies", bios))
    if meeting.press:
        sections.append(entry("press", "Press lines"))
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
        "printed": printed_form(person, family_caps=options.family_caps),
        "role": attendee.role or "",
        "native": person.name.native or "",
        "rank": attendee.rank,
    }


def _person_view(
    attendee: Attendee,
    delegation: DelegationRecord,
    meeting_date: date,
    language: str,
    options: RenderOptions,
    photo_cache: Path | None = None,
) -> dict[str, Any]:
    record: PersonRecord = attendee.record
    person = record.person
    role = attendee.role or ""
    name = display_name(person.name)
    return {
        **_member_view(attendee, options),
        "name": name,
        "native": "" if person.name.native == name else person.name.native or "",
        "outline_name": display_name(person.name, family_caps=options.family_caps),
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
    photo_cache: Path | None = None,
) -> str:
    """Render the meeting's briefing book to a self-contained HTML string.

    ``build`` feeds the cover's version line; without it the line names only
    the briefgen version.  ``photo_cache`` is a folder for downscaled photos
    (see :func:`embed_photo`).
    """
    assert env.loader is not None
    try:
        stylesheet, _, _ = env.loader.get_source(env, "book.css")
        template = env.get_template(BOOK_TEMPLATE)
        context = build_context(record, options or RenderOptions(), stylesheet, build, photo_cache)
        return template.render(context)
    except jinja2.TemplateError as exc:
        raise RenderError(f"template error: {exc}") from exc
