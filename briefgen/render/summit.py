"""Multilateral material as plain data: the order of delegations, the table plan, the photo.

:func:`summit_section` is what the book's seating section shows for a
meeting of three or more delegations (``templates/summit.html.j2``); the
drawings are ``templates/table-plan.svg.j2`` and ``templates/family-photo.svg.j2``,
fed the layouts of :mod:`briefgen.render.tableplan`.  Words are the
templates' (translated there); Python hands over names, numbers and kinds.
"""

from __future__ import annotations

from typing import Any

import jinja2

from briefgen.errors import RenderError
from briefgen.protocol.forms import short_form
from briefgen.protocol.summit import (
    Place,
    TablePlan,
    chair_of,
    head_of,
    is_multilateral,
    photo_rows,
    plan_table,
)
from briefgen.render.i18n import translations_for
from briefgen.render.loader import TemplateSetLoader
from briefgen.render.sandbox import Hidden, render_plain
from briefgen.render.seating_drawing import theme_variables
from briefgen.render.tableplan import (
    HEAD_SIZE,
    PT,
    SIZE,
    Drawing,
    Label,
    Line,
    layout_photo,
    layout_table,
    line_height,
    make_label,
    paper_for,
)
from briefgen.schema.languages import babel_locale
from briefgen.schema.records import Attendee, DelegationRecord, MeetingRecord

TABLE_TEMPLATE = "table-plan.svg.j2"
TITLE_ROOM = 9.0  # mm above the drawing for its title
BOOTH_ROOM = 14.0  # mm below it for the interpreters' booths


def _name(attendee: Attendee) -> str:
    return short_form(attendee.record.person, attendee.role)


def delegation_name(delegation: DelegationRecord) -> str:
    """The short name of a delegation, for plans and lists."""
    return delegation.delegation.short or delegation.delegation.name


def place_label(place: Place, chair: str | None) -> Label:
    """The block of lines printed beside a delegation's place."""
    lines = [Line(f"{place.number}. {delegation_name(place.delegation)}", "delegation")]
    if place.delegation.id == chair:
        lines.append(Line("", "chair"))
    lines += [Line(_name(a)) for a in place.at_table]
    if place.interpreter:
        lines.append(Line(_name(place.interpreter), "interpreter"))
    if place.behind:
        lines.append(Line("", "behind", len(place.behind)))
    return make_label(place.number, lines)


def _label_view(label: Label) -> dict[str, Any]:
    left, top, right, _ = label.box
    ax, ay = label.anchor
    anchor, x = (
        ("start", left)
        if left > ax
        else ("end", right)
        if right < ax
        else ("middle", (left + right) / 2)
    )
    lines, y = [], top
    for line in label.lines:
        height = line_height(line.kind)
        size = HEAD_SIZE if line.kind == "delegation" else SIZE
        lines.append(
            {
                "text": line.text,
                "kind": line.kind,
                "count": line.count,
                "y": round(y + height * 0.8, 2),
                "size": round(size * PT, 3),
            }
        )
        y += height
    return {
        "number": label.number,
        "x": round(x, 2),
        "anchor": anchor,
        "dot": {"x": round(ax, 2), "y": round(ay, 2)},
        "lines": lines,
    }


def _drawing_view(drawing: Drawing, title: str, booths: bool) -> dict[str, Any]:
    height = drawing.height + (BOOTH_ROOM if booths else 0.0)
    return {
        "title": title,
        "width": round(drawing.width, 2),
        "height": round(height, 2),
        "paper": paper_for(drawing.width, height),
        "shape": drawing.shape,
        "labels": [_label_view(label) for label in drawing.labels],
        "free": drawing.extras,
        "booths": {"y": round(drawing.height, 2), "width": round(drawing.width, 2)}
        if booths
        else None,
        "size": round(SIZE * PT, 3),
        "dot": 2.4,
    }


def table_view(plan: TablePlan, chair: str | None, title: str) -> dict[str, Any]:
    """The plain data of the table-plan drawing."""
    labels = {place.offset % plan.slots: place_label(place, chair) for place in plan.places}
    drawing = layout_table(plan.shape, labels, plan.slots, TITLE_ROOM)
    return _drawing_view(drawing, title, plan.booths)


def photo_view(record: MeetingRecord, title: str) -> dict[str, Any]:
    """The family photo: the heads, chair first, in rows of ``photo.row``."""
    plan = plan_table(record)
    heads = []
    for place in plan.places:
        head = head_of(place.delegation)
        if head is not None:
            heads.append((_name(head), delegation_name(place.delegation)))
    row = record.meeting.photo.row if record.meeting.photo else 10
    rows = photo_rows(heads, row)
    boxes, width, height = layout_photo(rows)
    return {
        "title": title,
        "width": round(width, 2),
        "height": round(height, 2),
        "paper": paper_for(width, height),
        "size": round(SIZE * PT, 3),
        "people": [
            {
                "x": round(box.x, 2),
                "y": round(box.y, 2),
                "width": round(box.width, 2),
                "height": round(len(box.lines) * SIZE * PT * 1.25 + 2.0, 2),
                "centre": round(box.x + box.width / 2, 2),
                "lines": [
                    {"text": text, "y": round(box.y + 1.0 + (i + 0.8) * SIZE * PT * 1.25, 2)}
                    for i, text in enumerate(box.lines)
                ],
                "front": box.row == 0,
                "chair": box.row == 0 and box.offset == 0,
            }
            for box in boxes
        ],
    }


def language_name(code: str, language: str) -> str:
    """The name of the language ``code`` in the book's ``language``: French, français."""
    return babel_locale(code).get_display_name(babel_locale(language)) or code


def perspective_first(record: MeetingRecord) -> list[DelegationRecord]:
    """The delegations in order, but in a multilateral book for one side its own team first."""
    own = record.meeting.perspective
    if own is None or not is_multilateral(record):
        return list(record.delegations)
    return sorted(record.delegations, key=lambda d: d.id != own)


def _place_row(place: Place) -> dict[str, Any]:
    return {
        "number": place.number,
        "offset": place.offset,
        "delegation": place.delegation.delegation.name,
        "at_table": [_name(a) for a in place.at_table],
        "interpreter": _name(place.interpreter) if place.interpreter else "",
        "behind": [_name(a) for a in place.behind],
        "away": [_name(a) for a in place.away],
    }


def summit_section(record: MeetingRecord) -> dict[str, Any]:
    """What the book shows for a multilateral meeting: order, table plan, places, photo."""
    meeting = record.meeting
    plan = plan_table(record)
    chair = chair_of(meeting)
    order = meeting.order
    return {
        "summit": True,
        "rule": order.rule,
        "order_language": language_name(order.language or meeting.language, meeting.language),
        "start": next((delegation_name(d) for d in record.delegations if d.id == order.start), ""),
        "order": [
            {"name": d.delegation.name, "is_chair": d.id == chair, "is_host": d.is_host}
            for d in record.delegations
        ],
        "shape": plan.shape,
        "plan": table_view(plan, chair, meeting.short_title or meeting.title),
        "places": [_place_row(place) for place in plan.places],
        "photo": photo_view(record, meeting.short_title or meeting.title),
    }


def render_table_svg(record: MeetingRecord, env: jinja2.Environment) -> str:
    """The multilateral table plan as a standalone SVG document, labels in the book's language."""
    assert isinstance(env.loader, TemplateSetLoader)
    plan = plan_table(record)
    title = record.meeting.short_title or record.meeting.title
    context = {
        "plan": table_view(plan, chair_of(record.meeting), title),
        "translations": Hidden(translations_for(env.loader.templates, record.meeting.language)),
        "theme": theme_variables(env),
        "standalone": True,
    }
    try:
        return render_plain(env.get_template(TABLE_TEMPLATE), context)
    except jinja2.TemplateError as exc:
        raise RenderError(f"template error: {exc}") from exc
