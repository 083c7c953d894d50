"""Lay out a seating plan: the table, both sides, numbers, names, roles, the entrance.

Layout and drawing are separate.  :func:`layout_plan` places every text and
shape in millimetres and returns them with their bounding boxes, so tests can
prove that no two texts overlap; :func:`render_svg` hands that layout, as
plain data, to the ``seating.svg.j2`` template, which draws it in the book's
typeface and writes every word (side labels, "Interpreter", "Entrance") from
the label catalogue.  The host side is at the bottom, facing up; seat
offsets are counted to each seated person's own right, so the guests' right
is on the drawing's left.

All text is horizontal and at least 8 pt when the drawing is printed at its
width (168 mm, the text width of an A4 page).  When the seats are wide
enough (up to five across), each seat's name and role stand at the seat;
with more seats the seats carry their numbers and the names and roles stand
in a key beside the table, in seat order from left to right.  Interpreters
seated behind their principal are drawn behind the principal's seat.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any, Literal

import jinja2
from markupsafe import Markup

from briefgen.protocol.forms import short_form
from briefgen.protocol.seating import SeatingPlan, Side
from briefgen.render.sandbox import Hidden, render_plain
from briefgen.render.textfit import clip_lines, fit_size, text_width, wrap_text

Anchor = Literal["start", "middle", "end"]
Box = tuple[float, float, float, float]

SEATING_TEMPLATE = "seating.svg.j2"
WIDTH = 168.0  # mm: the text width of an A4 page in the book
MARGIN = 2.0
MAX_PITCH = 32.0
DIRECT_PITCH = 30.0  # mm between seats from which names stand at their seats
SINGLE_LABEL = 50.0  # mm: widest label at a seat
KEY_COLUMN = 40.0  # mm: narrowest column of the key
TABLE_DEPTH = 12.0
LEADING = 1.25
ASCENT = 0.95  # of the size, above the baseline (generous, for accents)
DESCENT = 0.25
PT = 25.4 / 72
NAME_SIZE = 9.5 * PT
ROLE_SIZE = 8.25 * PT
SMALLEST_NAME = 8.5 * PT
LABEL_SIZE = 10.0 * PT
NUMBER_SIZE = 8.0 * PT
RADIUS = 2.7
ROLE_LINES = 4


@dataclass(frozen=True)
class TextItem:
    """One line of text: anchor point (baseline), size in mm, kind (its CSS class)."""

    x: float
    y: float
    size: float
    text: str
    kind: str
    anchor: Anchor = "middle"
    bold: bool = False
    group: str = ""

    def box(self) -> Box:
        """(x0, y0, x1, y1), generous: estimated width, ascent and descent."""
        width = text_width(self.text, self.size, bold=self.bold)
        before = {"start": 0.0, "middle": width / 2, "end": width}[self.anchor]
        return (
            self.x - before,
            self.y - ASCENT * self.size,
            self.x - before + width,
            self.y + DESCENT * self.size,
        )


@dataclass(frozen=True)
class Shape:
    """A rectangle, circle or line in mm; ``kind`` is its CSS class, never user text."""

    tag: Literal["rect", "circle", "line"]
    kind: str
    attrs: tuple[tuple[str, float], ...]
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
    #: Delegation names of the two sides drawn, bottom (host) first, and who is host.
    sides: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class _Entry:
    """One seat: where it is, its number, and the name and role lines of its label."""

    group: str
    person: str
    x: float
    number: str
    names: tuple[str, ...]
    roles: tuple[str, ...]
    interpreter: bool = False
    behind: bool = False
    name_size: float = NAME_SIZE

    def height(self) -> float:
        roles = len(self.roles) + (1 if self.interpreter else 0)
        return (len(self.names) * self.name_size + roles * ROLE_SIZE) * LEADING


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _label_lines(
    name: str, role: str, width: float
) -> tuple[tuple[str, ...], tuple[str, ...], float]:
    """Name (on one line if it fits at 8.5 pt, else wrapped) and up to four lines of role."""
    size = fit_size(name, width, NAME_SIZE, SMALLEST_NAME, bold=True)
    if text_width(name, size, bold=True) > width:
        size = NAME_SIZE
    names = wrap_text(name, width, size, bold=True)
    roles = clip_lines(wrap_text(role, width, ROLE_SIZE), ROLE_LINES, width, ROLE_SIZE)
    return tuple(names), tuple(roles), size


def _entries(
    side: Side, centre: float, pitch: float, facing_down: bool, width: float
) -> list[_Entry]:
    """The side's seats (and interpreters), from the drawing's left to its right."""

    def at(offset: int) -> float:
        return centre - offset * pitch if facing_down else centre + offset * pitch

    entries = []
    for seat in side.seats:
        attendee = seat.attendee
        name = short_form(attendee.record.person, attendee.role)
        names, roles, size = _label_lines(name, attendee.role or "", width)
        group = f"seat-{side.delegation.id}-{attendee.record.id}"
        number = str(seat.precedence)
        x = at(seat.offset)
        entries.append(_Entry(group, attendee.record.id, x, number, names, roles, name_size=size))
    principal = next((s.offset for s in side.seats if s.precedence == 1), 0)
    beside = side.interpreter_seat()
    for index, interpreter in enumerate(side.interpreters):
        name = short_form(interpreter.record.person, interpreter.role)
        names, _, size = _label_lines(name, "", width)
        group = f"interpreter-{side.delegation.id}-{interpreter.record.id}"
        if beside is not None and index == 0:
            x, behind = at(beside), False
        else:
            step = (index + 1) // 2 * (1 if index % 2 else -1) if beside is None else index
            x, behind = at(principal) + step * 2.6 * RADIUS, True
        person = interpreter.record.id
        entries.append(_Entry(group, person, x, "I", names, (), True, behind, size))
    return sorted(entries, key=lambda e: (e.x, e.behind))


class _Canvas:
    def __init__(self, width: float) -> None:
        self.width = width
        self.texts: list[TextItem] = []
        self.shapes: list[Shape] = []

    def text(self, item: TextItem) -> None:
        self.texts.append(item)

    def shape(
        self, tag: Literal["rect", "circle", "line"], kind: str, group: str = "", **attrs: float
    ) -> None:
        self.shapes.append(Shape(tag, kind, tuple(attrs.items()), group))

    def block(self, x: float, top: float, width: float, entry: _Entry, anchor: Anchor) -> float:
        """The entry's name and role lines from ``top``; returns the bottom."""
        y = top
        lines = [(n, entry.name_size, True, "name") for n in entry.names]
        lines += [(r, ROLE_SIZE, False, "role") for r in entry.roles]
        if entry.interpreter:
            lines.append(("", ROLE_SIZE, False, "interpreter-role"))
        for text, size, bold, kind in lines:
            gap = (LEADING - ASCENT - DESCENT) * size / 2
            self.text(
                TextItem(x, y + gap + ASCENT * size, size, text, kind, anchor, bold, entry.group)
            )
            y += size * LEADING
        return y


def layout_plan(plan: SeatingPlan, title: str, width: float = WIDTH) -> Drawing:
    """Place the table, seats, names and labels of the first two sides (host at the bottom)."""
    sides = list(plan.sides[:2])
    # The host side is first in plan order and drawn at the bottom; drawing starts at the top.
    bottom = sides[0] if sides else None
    top = sides[1] if len(sides) > 1 else None
    layout = _Layout(sides, top, width)
    y = MARGIN
    if top is not None:
        if not plan.guests_face_entrance:
            y = layout.entrance(y, below=False)
        y = layout.side_label(top, y)
        y = layout.key(top, y, above_table=True) + 1.5
        y = layout.seat_row(top, y, facing_down=True)
    else:
        y += 2.0
    y = layout.table(y)
    if bottom is not None:
        y = layout.seat_row(bottom, y, facing_down=False) + 1.0
        y = layout.key(bottom, y, above_table=False) + 1.5
        y = layout.side_label(bottom, y)
    if plan.guests_face_entrance:
        y = layout.entrance(y, below=True)
    canvas = layout.canvas
    groups = {e.group: e.person for found in layout.entries.values() for e in found}
    names = tuple((s.delegation.delegation.name, s.delegation.is_host) for s in sides)
    return Drawing(
        width, y + MARGIN, title, tuple(canvas.texts), tuple(canvas.shapes), groups, names
    )


class _Layout:
    """The geometry shared by the parts of one drawing; each part returns where it ends."""

    def __init__(self, sides: list[Side], top: Side | None, width: float) -> None:
        self.reach = max(
            [abs(s.offset) for side in sides for s in side.seats]
            + [abs(side.interpreter_seat() or 0) for side in sides]
            + [0]
        )
        self.pitch = min(MAX_PITCH, (width - 2 * MARGIN) / (2 * self.reach + 1))
        self.centre = width / 2
        self.usable = width - 2 * MARGIN
        self.columns = max(1, min(4, math.floor(self.usable / KEY_COLUMN)))
        self.canvas = _Canvas(width)
        self.entries: dict[int, list[_Entry]] = {}
        #: Label width of the sides whose labels stand at their seats.
        self.direct: dict[int, float] = {}
        key_width = self.usable / self.columns - 6.0
        for side in sides:
            found = _entries(side, self.centre, self.pitch, side is top, key_width)
            room = _direct_room([e.x for e in found if not e.behind], width)
            if room is not None:
                found = _entries(side, self.centre, self.pitch, side is top, room)
                self.direct[id(side)] = room
            self.entries[id(side)] = found

    def entrance(self, at: float, below: bool) -> float:
        size, centre = LABEL_SIZE, self.centre
        line_y = at + (0.6 if below else size * LEADING + 0.8)
        self.canvas.shape(
            "line", "entrance-line", x1=centre - 18, y1=line_y, x2=centre + 18, y2=line_y
        )
        base = line_y + 1.0 + ASCENT * size if below else line_y - 1.0 - DESCENT * size
        self.canvas.text(TextItem(centre, base, size, "", "entrance", bold=True))
        return at + size * LEADING + 2.4

    def side_label(self, side: Side, at: float) -> float:
        name = side.delegation.delegation.name
        kind = "side-host" if side.delegation.is_host else "side-guests"
        baseline = at + ASCENT * LABEL_SIZE
        self.canvas.text(TextItem(MARGIN, baseline, LABEL_SIZE, name, kind, "start", True))
        return at + LABEL_SIZE * LEADING + 1.5

    def table(self, at: float) -> float:
        edge = (self.reach + 0.5) * self.pitch
        x = self.centre - edge
        self.canvas.shape("rect", "table", x=x, y=at, width=2 * edge, height=TABLE_DEPTH, rx=2.0)
        return at + TABLE_DEPTH + 1.0

    def key(self, side: Side, at: float, above_table: bool) -> float:
        """Names and roles: at the seats (direct) or in a key of columns; returns the bottom."""
        entries = self.entries[id(side)]
        behind = [e for e in entries if e.behind]
        if id(side) not in self.direct:
            return _key_rows(self.canvas, entries, at, self.columns, self.usable)
        seated = [e for e in entries if not e.behind]
        if behind and above_table:
            at = _key_rows(self.canvas, behind, at, self.columns, self.usable) + 1.5
        depth = max((e.height() for e in seated), default=0.0)
        for entry in seated:
            start = at + depth - entry.height() if above_table else at
            self.canvas.block(entry.x, start, self.direct[id(side)], entry, "middle")
        at += depth
        if behind and not above_table:
            at = _key_rows(self.canvas, behind, at + 1.5, self.columns, self.usable)
        return at

    def seat_row(self, side: Side, at: float, facing_down: bool) -> float:
        """Behind-seats and seats of one side; ``at`` is the top of the row."""
        seated = [e for e in self.entries[id(side)] if not e.behind]
        behind = [e for e in self.entries[id(side)] if e.behind]
        rows = [behind, seated] if facing_down else [seated, behind]
        for group in (r for r in rows if r):
            cy = at + RADIUS + 0.5
            for entry in group:
                kind = "seat-interpreter" if entry.interpreter else "seat"
                self.canvas.shape("circle", kind, entry.group, cx=entry.x, cy=cy, r=RADIUS)
                kind = "number-interpreter" if entry.interpreter else "number"
                base = cy + 0.36 * NUMBER_SIZE
                number = TextItem(entry.x, base, NUMBER_SIZE, entry.number, kind, "middle", True)
                self.canvas.text(replace(number, group=entry.group))
            at += 2 * RADIUS + 1.5
        return at


def _direct_room(xs: list[float], width: float) -> float | None:
    """Label width when every seat of a side can carry its own label, else None."""
    xs = sorted(xs)
    room = min([b - a for a, b in pairwise(xs)] + [SINGLE_LABEL]) - 2.0
    if room < DIRECT_PITCH - 2.0:
        return None
    if any(x - room / 2 < MARGIN or x + room / 2 > width - MARGIN for x in xs):
        return None
    return room


def _key_rows(
    canvas: _Canvas, listed: list[_Entry], at: float, columns: int, usable: float
) -> float:
    """A key of ``columns`` columns, seat order row by row: number, then name and role."""
    pitch = usable / columns
    for start in range(0, len(listed), columns):
        row = listed[start : start + columns]
        for index, entry in enumerate(row):
            x = MARGIN + index * pitch
            kind = "key-interpreter" if entry.interpreter else "key"
            first = NAME_SIZE
            gap = (LEADING - ASCENT - DESCENT) * first / 2
            canvas.text(
                TextItem(
                    x,
                    at + gap + ASCENT * first,
                    NUMBER_SIZE,
                    entry.number,
                    kind,
                    "start",
                    True,
                    entry.group,
                )
            )
            canvas.block(x + 5.0, at, pitch - 6.0, entry, "start")
        at += max(e.height() for e in row) + 1.2
    return at


def drawing_view(drawing: Drawing) -> dict[str, Any]:
    """The layout as plain data for ``seating.svg.j2``: numbers as text, grouped by seat."""

    def text(item: TextItem) -> dict[str, Any]:
        return {
            "x": _fmt(item.x),
            "y": _fmt(item.y),
            "size": _fmt(item.size),
            "text": item.text,
            "kind": item.kind,
            "anchor": item.anchor,
        }

    def shape(item: Shape) -> dict[str, Any]:
        return {"tag": item.tag, "kind": item.kind, "attrs": [[k, _fmt(v)] for k, v in item.attrs]}

    seats: dict[str, dict[str, Any]] = {}
    for group, person in drawing.groups.items():
        seats[group] = {"person": person, "shapes": [], "texts": []}
    free: dict[str, list[dict[str, Any]]] = {"shapes": [], "texts": []}
    for s in drawing.shapes:
        (seats[s.group] if s.group else free)["shapes"].append(shape(s))
    numbers_first = sorted(drawing.texts, key=lambda t: not t.kind.startswith("number"))
    for t in numbers_first:
        (seats[t.group] if t.group else free)["texts"].append(text(t))
    return {
        "width": _fmt(drawing.width),
        "height": _fmt(drawing.height),
        "title": drawing.title,
        "shapes": free["shapes"],
        "texts": free["texts"],
        "seats": [s for s in seats.values() if s["shapes"] or s["texts"]],
    }


_VAR = re.compile(r"var\(\s*--([\w-]+)\s*\)")


def theme_variables(env: jinja2.Environment) -> dict[str, Markup]:
    """The custom properties of ``:root`` in theme.css then look.css, with var() resolved.

    WeasyPrint's SVG renderer (like some viewers) does not resolve CSS
    variables, so the seating template receives the theme's typeface and
    colours as values; theme.css stays the one place that names them.  Keys
    use ``_`` for ``-``: ``font_text``, ``accent``.
    """
    import tinycss2

    from briefgen.render.loader import template_set

    templates = template_set(env)
    found: dict[str, str] = {}
    for name in ("theme.css", "look.css"):
        rules = tinycss2.parse_stylesheet(templates.read(name), True, True)
        for rule in rules:
            if rule.type != "qualified-rule" or tinycss2.serialize(rule.prelude).strip() != ":root":
                continue
            for item in tinycss2.parse_blocks_contents(rule.content, True, True):
                if item.type == "declaration" and item.name.startswith("--"):
                    found[item.name[2:]] = tinycss2.serialize(item.value).strip()

    def resolve(value: str, depth: int = 0) -> str:
        if depth > 8:
            raise jinja2.TemplateError(f"theme.css: variables nest too deep in '{value}'")
        return _VAR.sub(lambda m: resolve(found.get(m.group(1), ""), depth + 1), value)

    # Markup: the values are the template folder's CSS, printed as they are (quotes included).
    return {
        key.replace("-", "_"): Markup(" ".join(resolve(v).split()).replace("<", ""))
        for key, v in found.items()
    }


def render_svg(drawing: Drawing, env: jinja2.Environment, translations: Any) -> str:
    """The drawing as a standalone SVG document, through the ``seating.svg.j2`` template."""
    template = env.get_template(SEATING_TEMPLATE)
    context = {
        "drawing": drawing_view(drawing),
        "theme": theme_variables(env),
        "translations": Hidden(translations),
    }
    return render_plain(template, context)
