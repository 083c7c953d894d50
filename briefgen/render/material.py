"""Protocol material as HTML: place cards, the pocket list and the book's seating section.

Sizes that depend on the text (a long name on a place card, many people on
the pocket list) are computed here with :mod:`briefgen.render.textfit` and handed
to the templates as numbers, so user text never reaches the CSS.
"""

from __future__ import annotations

import base64
from typing import Any

import jinja2

from briefgen import __version__
from briefgen.errors import RenderError
from briefgen.project.themes import THEMES
from briefgen.protocol.forms import native_form, short_form
from briefgen.protocol.seating import SeatingPlan, plan_seating
from briefgen.protocol.summit import is_multilateral, plan_table
from briefgen.render.i18n import format_long_date
from briefgen.render.sandbox import Hidden, render_plain
from briefgen.render.seating_drawing import layout_plan, render_svg, theme_variables
from briefgen.render.summit import render_table_svg, summit_section
from briefgen.render.textfit import fit_size, text_width, wrap_text
from briefgen.schema.choices import Paper
from briefgen.schema.records import MeetingRecord

CARDS_TEMPLATE = "place-cards.html.j2"
POCKET_TEMPLATE = "pocket.html.j2"
PT = 25.4 / 72  # mm per point

CARD_TEXT_WIDTH = (297 - 2 * 20) / PT  # points across one face, inside its padding
CARD_NAME_LARGEST = 66.0
CARD_NAME_SMALLEST = 30.0

POCKET_WIDTH = 139.7 - 2 * 6  # mm inside the margins of the narrower card (quarter letter)
POCKET_HEIGHT = 105 - 2 * 7 - 3  # mm, less a safety allowance
POCKET_LARGEST = 9.0
POCKET_SMALLEST = 3.5
POCKET_GAP = 4.0
POCKET_LEADING = 1.25
POCKET_MANY = 7.0  # pt: the pocket list of three or more delegations


def card_name(name: str, width: float = CARD_TEXT_WIDTH) -> tuple[float, list[str]]:
    """Type size (pt) and lines for a name on a place card: shrink first, then wrap."""
    size = fit_size(name, width, CARD_NAME_LARGEST, CARD_NAME_SMALLEST, bold=True)
    if text_width(name, size, bold=True) <= width:
        return round(size, 1), [name]
    lines = wrap_text(name, width, CARD_NAME_SMALLEST, bold=True)
    return CARD_NAME_SMALLEST, lines


#: Sheet (width, height) in mm of a place card, landscape, by paper.
CARD_SHEETS = {"a4": (297.0, 210.0), "letter": (279.4, 215.9)}


def card_views(plan: SeatingPlan, native: bool, paper: str = "a4") -> list[dict[str, Any]]:
    """One card per seated member: sides host first, each in order of precedence."""
    cards = []
    for side in plan.sides:
        delegation = side.delegation.delegation
        for seat in side.seats:
            person = seat.attendee.record.person
            width = (CARD_SHEETS[paper][0] - 2 * 20) / PT
            size, lines = card_name(short_form(person, seat.attendee.role), width)
            cards.append(
                {
                    "person": seat.attendee.record.id,
                    "size": f"{size:.1f}",
                    "lines": lines,
                    "native": (native_form(person) or "") if native else "",
                    "delegation": delegation.name,
                }
            )
    return cards


#: Page sizes of the protocol material by paper: (place card sheet, pocket card).
#: A pocket card is a quarter of the sheet: A6 from A4, a quarter of US Letter.
PROTOCOL_PAGES: dict[str, tuple[str, str]] = {
    "a4": ("A4 landscape", "148mm 105mm"),
    "letter": ("letter landscape", "5.5in 4.25in"),
}


def _paper(env: jinja2.Environment, paper: Paper | None) -> str:
    from briefgen.render.loader import template_set

    chosen = paper or THEMES[template_set(env).theme].paper
    if chosen not in PROTOCOL_PAGES:
        raise RenderError(f"unknown paper size '{chosen}': use one of a4, letter")
    return chosen


def summit_cards(record: MeetingRecord, paper: str = "a4") -> list[dict[str, Any]]:
    """One card per person at a multilateral table, delegations in the meeting's order."""
    native = record.meeting.seating.native_on_cards
    cards = []
    for place in plan_table(record).places:
        for attendee in place.at_table:
            person = attendee.record.person
            width = (CARD_SHEETS[paper][0] - 2 * 20) / PT
            size, lines = card_name(short_form(person, attendee.role), width)
            cards.append(
                {
                    "person": attendee.record.id,
                    "size": f"{size:.1f}",
                    "lines": lines,
                    "native": (native_form(person) or "") if native else "",
                    "delegation": place.delegation.delegation.name,
                }
            )
    return cards


def _base_context(record: MeetingRecord, env: jinja2.Environment) -> dict[str, Any]:
    meeting = record.meeting
    return {
        "translations": Hidden(_translations(record, env)),
        "language": meeting.language,
        "title": meeting.short_title or meeting.title,
        "date_text": format_long_date(meeting.date, meeting.language),
        "marking": meeting.marking.upper(),
        "caveats": [c.upper() for c in meeting.caveats],
        "generator": f"briefgen {__version__}",
    }


def render_place_cards(
    record: MeetingRecord, env: jinja2.Environment, paper: Paper | None = None
) -> str:
    """HTML for the place cards of every seated member (one landscape sheet each)."""
    plan = plan_seating(record)
    chosen = _paper(env, paper)
    try:
        context = _base_context(record, env)
        context["cards"] = (
            summit_cards(record, chosen)
            if is_multilateral(record)
            else card_views(plan, record.meeting.seating.native_on_cards, chosen)
        )
        context["page_size"] = PROTOCOL_PAGES[chosen][0]
        width, height = CARD_SHEETS[chosen]
        context["sheet"] = {
            "width": f"{width}mm",
            "height": f"{height}mm",
            "face": f"{height / 2}mm",
        }
        return render_plain(env.get_template(CARDS_TEMPLATE), context)
    except jinja2.TemplateError as exc:
        raise RenderError(f"template error: {exc}") from exc


def pocket_rows(plan: SeatingPlan) -> list[dict[str, Any]]:
    """Each side with its seated members: precedence, short form, role, pronunciation."""
    return [
        {
            "name": side.delegation.delegation.short or side.delegation.delegation.name,
            "is_host": side.delegation.is_host,
            "rows": [
                {
                    "precedence": seat.precedence,
                    "name": short_form(seat.attendee.record.person, seat.attendee.role),
                    "role": seat.attendee.role or "",
                    "pronunciation": seat.attendee.record.person.name.pronunciation or "",
                }
                for seat in side.seats
            ],
        }
        for side in plan.sides
    ]


def pocket_height(sides: list[dict[str, Any]], size: float) -> float:
    """Estimated height in mm of the pocket list set at ``size`` pt (generous)."""
    em = size * PT
    line = em * POCKET_LEADING
    columns = max(len(sides), 1)
    width = (POCKET_WIDTH - POCKET_GAP * (columns - 1)) / columns - 1.6 * em
    tallest = 0.0
    for side in sides:
        height = 1.05 * line + 1.2
        for row in side["rows"]:
            first = f"{row['name']} {row['pronunciation']}".strip()
            lines = len(wrap_text(first, width, em, bold=True))
            lines += len(wrap_text(row["role"], width, em)) if row["role"] else 0
            height += lines * line + 0.25 * em
        tallest = max(tallest, height)
    return line + 1.5 + tallest


def pocket_size(sides: list[dict[str, Any]]) -> float:
    """The largest type size (pt, in steps of 0.25) at which the pocket list fits one page."""
    size = POCKET_LARGEST
    while size > POCKET_SMALLEST and pocket_height(sides, size) > POCKET_HEIGHT:
        size -= 0.25
    return size


def render_pocket(
    record: MeetingRecord, env: jinja2.Environment, paper: Paper | None = None
) -> str:
    """HTML for the one-page pocket list (a quarter of the sheet, landscape)."""
    sides = pocket_rows(plan_seating(record))
    chosen = _paper(env, paper)
    try:
        context = _base_context(record, env)
        many = len(sides) > 2  # pages of columns at a fixed size instead of one card
        size = POCKET_MANY if many else pocket_size(sides)
        context.update(
            sides=sides, size=f"{size:.2f}", many=many, page_size=PROTOCOL_PAGES[chosen][1]
        )
        return render_plain(env.get_template(POCKET_TEMPLATE), context)
    except jinja2.TemplateError as exc:
        raise RenderError(f"template error: {exc}") from exc


def _translations(record: MeetingRecord, env: jinja2.Environment) -> Any:
    from briefgen.render.i18n import CatalogueError, translations_for
    from briefgen.render.loader import template_set

    try:
        return translations_for(template_set(env), record.meeting.language)
    except CatalogueError as exc:
        raise RenderError(str(exc)) from exc


def render_seating_svg(record: MeetingRecord, env: jinja2.Environment) -> str:
    """The seating plan as an SVG document (``seating.svg.j2``; the table plan if multilateral)."""
    if is_multilateral(record):
        return render_table_svg(record, env)
    plan = plan_seating(record)
    try:
        return render_svg(layout_plan(plan, record.meeting.title), env, _translations(record, env))
    except jinja2.TemplateError as exc:
        raise RenderError(f"template error: {exc}") from exc


def book_seating(record: MeetingRecord, env: jinja2.Environment) -> dict[str, Any]:
    """The book's seating section: the table plan when multilateral, else the bilateral plan."""
    if is_multilateral(record):
        return {**summit_section(record), "theme": theme_variables(env)}
    return seating_section(record, env)


def seating_section(record: MeetingRecord, env: jinja2.Environment) -> dict[str, Any]:
    """What the book's seating section shows: the plan as a data: URI and who is not seated.

    Plain data only: the template writes the sentences around it.
    """
    plan = plan_seating(record)
    svg = render_seating_svg(record, env)
    away = [
        {"name": short_form(a.record.person, a.role), "role": a.role or ""}
        for side in plan.sides
        for a in side.others
    ]
    seats = [
        f"{seat.precedence}. {short_form(seat.attendee.record.person, seat.attendee.role)}"
        for side in plan.sides[:2]
        for seat in side.seats
    ]
    return {
        "svg": "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode(),
        "seats": seats,
        "not_seated": away,
        "guests_face_entrance": plan.guests_face_entrance,
        "undrawn": [s.delegation.delegation.name for s in plan.sides[2:]],
    }
