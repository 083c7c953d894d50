"""Draw a seating plan as SVG: the table, both sides, numbers, names, roles, the entrance.

Layout and drawing are separate.  :func:`layout_plan` places every text and
shape in millimetres and returns them with their bounding boxes, so tests can
prove that no two texts overlap; :func:`render_svg` only serialises that
layout with :mod:`xml.etree`, which escapes every user text, so a name can
never become markup.  The host side is at the bottom, facing up; seat offsets
are counted to each seated person's own right, so the guests' right is on the
drawing's left.

When seats are wide enough, names and roles are set horizontally; when a side
has so many members that they are not (about eight per side on A4), they are
set across the table edge, reading upwards, so 15 per side stay legible.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Literal

from briefgen.protocol.forms import short_form
from briefgen.protocol.seating import SeatingPlan, Side
from briefgen.render.textfit import clip_lines, fit_size, text_width, wrap_text

Anchor = Literal["start", "middle", "end"]
Box = tuple[float, float, float, float]

WIDTH = 168.0  # mm: the text width of an A4 page in the book
MARGIN = 3.0
MAX_PITCH = 34.0
ROTATE_BELOW = 24.0  # mm of seat width under which text is set across the table edge
TABLE_DEPTH = 12.0
LEADING = 1.2
ASCENT = 0.95  # of the size, above the baseline (generous, for accents)
DESCENT = 0.25
MAX_DEPTH = 62.0  # mm: longest run of text along a seat column when rotated
FONT = "'Noto Sans', 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"
INK = "#1b1f24"
MUTED = "#5b6470"
ACCENT = "#1f3a5f"


@dataclass(frozen=True)
class TextItem:
    """One line of text: anchor point, size in mm, and whether it reads upwards (−90°)."""

    x: float
    y: float
    size: float
    text: str
    kind: str
    anchor: Anchor = "middle"
    rotated: bool = False
    bold: bool = False
    group: str = ""

    def box(self) -> Box:
        """(x0, y0, x1, y1), generous: estimated width, ascent and descent."""
        width = text_width(self.text, self.size, bold=self.bold)
        before = {"start": 0.0, "middle": width / 2, "end": width}[self.anchor]
        along0, along1 = -before, width - before
        across0, across1 = -ASCENT * self.size, DESCENT * self.size
        if not self.rotated:
            return (self.x + along0, self.y + across0, self.x + along1, self.y + across1)
        # rotate(-90): the baseline runs up the page, the glyphs' tops point left.
        return (self.x + across0, self.y - along1, self.x + across1, self.y - along0)


@dataclass(frozen=True)
class Shape:
    """A rectangle, circle or line; attributes are numbers and fixed colours, never user text."""

    tag: Literal["rect", "circle", "line"]
    attrs: tuple[tuple[str, str], ...]
    group: str = ""


@dataclass(frozen=True)
class Drawing:
    """A laid-out plan in millimetres; ``groups`` maps a group id to a person id."""

    width: float
    height: float
    title: str
    texts: tuple[TextItem, ...]
    shapes: tuple[Shape, ...]
    groups: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Column:
    group: str
    person: str
    offset: int
    number: str
    lines: tuple[tuple[str, float, bool, str], ...]  # text, size, bold, kind
    interpreter: bool = False

    def depth(self, rotated: bool) -> float:
        if rotated:
            return max((text_width(t, s, bold=b) for t, s, b, _ in self.lines), default=0.0)
        return sum(s * LEADING for _, s, _, _ in self.lines)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _column_lines(
    name: str, role: str, length: float, room: float, rotated: bool
) -> tuple[tuple[str, float, bool, str], ...]:
    """Name (shrunk, then wrapped) and role (wrapped, clipped) for one seat."""
    largest, smallest, role_size = (3.2, 2.2, 2.1) if rotated else (4.0, 2.5, 2.3)
    size = fit_size(name, length, largest, smallest, bold=True)
    names = [name]
    if text_width(name, size, bold=True) > length:
        names = wrap_text(name, length, smallest, bold=True)
    lines = [(line, size, True, "name") for line in names]
    used = len(lines) * size * LEADING
    count = math.floor((room - used - 0.4) / (role_size * LEADING))
    if not rotated:
        count = min(count, 5)
    roles = clip_lines(wrap_text(role, length, role_size), count, length, role_size) if role else []
    return (*lines, *((line, role_size, False, "role") for line in roles))


def _side_columns(side: Side, length: float, room: float, rotated: bool) -> list[_Column]:
    columns = []
    for seat in side.seats:
        attendee = seat.attendee
        name = short_form(attendee.record.person, attendee.role)
        lines = _column_lines(name, attendee.role or "", length, room, rotated)
        group = f"seat-{side.delegation.id}-{attendee.record.id}"
        columns.append(_Column(group, attendee.record.id, seat.offset, str(seat.precedence), lines))
    offset = side.interpreter_seat()
    if offset is not None:
        interpreter = side.interpreters[0]
        name = short_form(interpreter.record.person, interpreter.role)
        lines = _column_lines(name, "Interpreter", length, room, rotated)
        group = f"interpreter-{side.delegation.id}-{interpreter.record.id}"
        columns.append(_Column(group, interpreter.record.id, offset, "I", lines, True))
    return columns


def _behind_text(side: Side) -> str:
    if side.interpreter_beside or not side.interpreters:
        return ""
    names = "; ".join(short_form(a.record.person, a.role) for a in side.interpreters)
    return f"Behind the principal: interpreter {names}"


def layout_plan(plan: SeatingPlan, title: str, width: float = WIDTH) -> Drawing:
    """Place the table, seats, names and labels of the first two sides (host at the bottom)."""
    sides = list(plan.sides[:2])
    reach = max(
        [abs(s.offset) for side in sides for s in side.seats]
        + [abs(side.interpreter_seat() or 0) for side in sides]
        + [0]
    )
    count = 2 * reach + 1
    pitch = min(MAX_PITCH, (width - 2 * MARGIN) / count)
    rotated = pitch < ROTATE_BELOW
    room = pitch - 0.8 if rotated else 40.0
    length = MAX_DEPTH if rotated else pitch - 2.0
    columns = [_side_columns(side, length, room, rotated) for side in sides]
    depths = [max((c.depth(rotated) for c in cols), default=0.0) for cols in columns]
    radius = min(2.6, pitch * 0.28)

    texts: list[TextItem] = []
    shapes: list[Shape] = []
    centre = width / 2
    y = MARGIN

    title_size = fit_size(title, width - 2 * MARGIN, 4.2, 2.4, bold=True)
    title_lines = wrap_text(title, width - 2 * MARGIN, title_size, bold=True)
    for line in title_lines:
        y += ASCENT * title_size
        texts.append(TextItem(centre, y, title_size, line, "title", bold=True))
        y += (LEADING - ASCENT) * title_size
    y += 2.0

    def entrance(at: float, below: bool) -> float:
        size = 2.6
        line_y = at + (0.6 if below else size * LEADING + 0.8)
        shapes.append(
            Shape(
                "line",
                (
                    ("x1", _fmt(centre - 18)),
                    ("y1", _fmt(line_y)),
                    ("x2", _fmt(centre + 18)),
                    ("y2", _fmt(line_y)),
                    ("stroke", ACCENT),
                    ("stroke-width", "1.2"),
                ),
            )
        )
        base = line_y + 1.0 + ASCENT * size if below else line_y - 1.0 - DESCENT * size
        texts.append(TextItem(centre, base, size, "Entrance", "entrance", bold=True))
        return at + size * LEADING + 2.4

    def side_label(side: Side, at: float) -> float:
        size = 3.0
        text = side.delegation.delegation.name + (
            " (host)" if side.delegation.is_host else " (guests)"
        )
        size = fit_size(text, width - 2 * MARGIN, 3.0, 2.0, bold=True)
        texts.append(TextItem(MARGIN, at + ASCENT * size, size, text, "side", "start", bold=True))
        return at + size * LEADING + 1.0

    def behind(side: Side, at: float) -> float:
        text = _behind_text(side)
        if not text:
            return at
        size = fit_size(text, width - 2 * MARGIN, 2.3, 1.6)
        texts.append(TextItem(centre, at + ASCENT * size, size, text, "interpreter"))
        return at + size * LEADING + 1.0

    top = sides[1] if len(sides) > 1 else None
    if top is not None:
        if not plan.guests_face_entrance:
            y = entrance(y, below=False)
        y = side_label(top, y)
        y = behind(top, y)
        region_end = y + depths[1]
        _place_columns(columns[1], texts, shapes, region_end, centre, pitch, radius, rotated, True)
        y = region_end + 1.5 + 2 * radius + 1.0
    else:
        y += 2.0
    table_top = y
    edge = (reach + 0.5) * pitch
    shapes.append(
        Shape(
            "rect",
            (
                ("x", _fmt(centre - edge)),
                ("y", _fmt(table_top)),
                ("width", _fmt(2 * edge)),
                ("height", _fmt(TABLE_DEPTH)),
                ("rx", "2"),
                ("fill", "#eef1f5"),
                ("stroke", ACCENT),
                ("stroke-width", "0.5"),
            ),
        )
    )
    y = table_top + TABLE_DEPTH + 1.0 + 2 * radius + 1.5
    if sides:
        _place_columns(columns[0], texts, shapes, y, centre, pitch, radius, rotated, False)
        y += depths[0] + 1.5
        y = behind(sides[0], y)
        y = side_label(sides[0], y)
    if plan.guests_face_entrance:
        y = entrance(y, below=True)
    height = y + MARGIN
    groups = {c.group: c.person for cols in columns for c in cols}
    return Drawing(width, height, title, tuple(texts), tuple(shapes), groups)


def _place_columns(
    columns: list[_Column],
    texts: list[TextItem],
    shapes: list[Shape],
    region: float,
    centre: float,
    pitch: float,
    radius: float,
    rotated: bool,
    facing_down: bool,
) -> None:
    """Seat markers at the table edge and each seat's lines beyond them.

    ``region`` is where the text region meets the marker: its lower end for
    the side above the table, its upper end for the side below.
    """
    for column in columns:
        x = centre - column.offset * pitch if facing_down else centre + column.offset * pitch
        marker_y = region + 1.5 + radius if facing_down else region - 1.5 - radius
        shapes.append(
            Shape(
                "circle",
                (
                    ("cx", _fmt(x)),
                    ("cy", _fmt(marker_y)),
                    ("r", _fmt(radius)),
                    ("fill", "#ffffff" if column.interpreter else ACCENT),
                    ("stroke", ACCENT),
                    ("stroke-width", "0.4"),
                    *((("stroke-dasharray", "0.8 0.5"),) if column.interpreter else ()),
                ),
                column.group,
            )
        )
        number_size = radius * 1.05
        texts.append(
            TextItem(
                x,
                marker_y + 0.36 * number_size,
                number_size,
                column.number,
                "number-interpreter" if column.interpreter else "number",
                bold=True,
                group=column.group,
            )
        )
        if rotated:
            total = sum(s * LEADING for _, s, _, _ in column.lines)
            across = x - total / 2
            for text, size, bold, kind in column.lines:
                base = across + ASCENT * size + (LEADING - ASCENT - DESCENT) * size / 2
                texts.append(
                    TextItem(
                        base,
                        region,
                        size,
                        text,
                        kind,
                        "start" if facing_down else "end",
                        rotated=True,
                        bold=bold,
                        group=column.group,
                    )
                )
                across += size * LEADING
            continue
        block = sum(s * LEADING for _, s, _, _ in column.lines)
        down = region - block if facing_down else region
        for text, size, bold, kind in column.lines:
            gap = (LEADING - ASCENT - DESCENT) * size / 2
            texts.append(
                TextItem(
                    x, down + gap + ASCENT * size, size, text, kind, bold=bold, group=column.group
                )
            )
            down += size * LEADING


_FILL = {
    "title": INK,
    "side": ACCENT,
    "name": INK,
    "role": MUTED,
    "number": "#ffffff",
    "number-interpreter": ACCENT,
    "interpreter": MUTED,
    "entrance": ACCENT,
}


def render_svg(drawing: Drawing) -> str:
    """Serialise a layout as a standalone SVG document (sizes in mm)."""
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": f"{_fmt(drawing.width)}mm",
            "height": f"{_fmt(drawing.height)}mm",
            "viewBox": f"0 0 {_fmt(drawing.width)} {_fmt(drawing.height)}",
            "font-family": FONT,
            "role": "img",
        },
    )
    ET.SubElement(root, "title").text = f"Seating plan: {drawing.title}"
    groups: dict[str, ET.Element] = {}

    def parent(group: str) -> ET.Element:
        if not group:
            return root
        if group not in groups:
            groups[group] = ET.SubElement(
                root, "g", {"class": "seat", "data-person": drawing.groups.get(group, "")}
            )
        return groups[group]

    for shape in drawing.shapes:
        ET.SubElement(parent(shape.group), shape.tag, dict(shape.attrs))
    for item in drawing.texts:
        attrs = {
            "x": _fmt(item.x),
            "y": _fmt(item.y),
            "font-size": _fmt(item.size),
            "text-anchor": item.anchor,
            "fill": _FILL.get(item.kind, INK),
            "class": item.kind,
        }
        if item.bold:
            attrs["font-weight"] = "bold"
        if item.rotated:
            attrs["transform"] = f"rotate(-90 {_fmt(item.x)} {_fmt(item.y)})"
        ET.SubElement(parent(item.group), "text", attrs).text = item.text
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def draw_seating(plan: SeatingPlan, title: str) -> str:
    """The seating plan of ``plan`` as an SVG document."""
    return render_svg(layout_plan(plan, title))
