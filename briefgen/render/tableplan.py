"""Lay out a multilateral table plan and a family photo: every shape and text in millimetres.

The drawing itself is a Jinja template (``templates/table-plan.svg.j2``) fed
the plain data made here; words it adds (Chair, behind, Photographer) are
labels translated there.  Text is set horizontally at :data:`SIZE` points at
print size; instead of shrinking text for many delegations, the layout grows
and :func:`paper_for` picks a larger sheet (A4 to A0, landscape).

Each delegation's label is a block of lines beside its place: number and
name, then the people at the table (head first), then how many sit behind.
Places go round the table from the chair's place, positive offsets to the
chair's own right (the drawing's left, as the chair sits at the top facing
down).  Label boxes are checked pairwise, and a round table grows until
none overlap, so tests can prove legibility from 3 to 200 delegations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

from briefgen.render.textfit import text_width, wrap_text

PT = 25.4 / 72  # mm per point
SIZE = 7.5  # pt: names and roles
HEAD_SIZE = 8.0  # pt: the delegation's line
LEAD = 1.25
LABEL_WIDTH = 34.0  # mm: a label line wraps here
GAP = 3.0  # mm between the table edge and a label
MARGIN = 6.0
DOT = 2.4  # mm: radius of a place marker
#: ISO sheets (name, short side, long side) in mm; plans are drawn landscape.
PAPERS = (("a4", 210, 297), ("a3", 297, 420), ("a2", 420, 594), ("a1", 594, 841), ("a0", 841, 1189))
#: Room the page margins and the marking take on each sheet (mm, across and down).
PAGE_ROOM = (46.0, 56.0)

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Line:
    """One line of a label: its text, or a label ``msg`` the template translates."""

    text: str
    kind: str = "name"  # delegation, name, interpreter, behind, chair
    count: int = 0


@dataclass
class Label:
    """A block of lines placed beside an anchor; ``box`` is filled in by the layout."""

    number: int
    lines: list[Line]
    width: float = 0.0
    height: float = 0.0
    box: Box = (0.0, 0.0, 0.0, 0.0)
    anchor: tuple[float, float] = (0.0, 0.0)


@dataclass
class Drawing:
    """Everything to draw, in mm, with (0, 0) at the top left."""

    width: float
    height: float
    shape: dict[str, float | str]
    labels: list[Label]
    extras: list[dict[str, float | str]] = field(default_factory=list)


def line_height(kind: str) -> float:
    """Height of a label line in mm."""
    return (HEAD_SIZE if kind == "delegation" else SIZE) * PT * LEAD


def make_label(number: int, lines: Sequence[Line]) -> Label:
    """Wrap each line to :data:`LABEL_WIDTH` and measure the block."""
    wrapped: list[Line] = []
    for line in lines:
        bold = line.kind == "delegation"
        size = (HEAD_SIZE if bold else SIZE) * PT
        text = line.text if line.kind != "behind" else f"+ {line.count} behind"
        parts = wrap_text(text, LABEL_WIDTH, size, bold=bold) or [""]
        if line.kind == "behind":
            parts = [text]
        wrapped += [Line(part, line.kind, line.count) for part in parts]
    width = max(
        text_width(w.text, (HEAD_SIZE if w.kind == "delegation" else SIZE) * PT, bold=True)
        for w in wrapped
    )
    height = sum(line_height(w.kind) for w in wrapped)
    return Label(number, wrapped, width, height)


def _place_box(label: Label, x: float, y: float, nx: float, ny: float) -> None:
    """Put ``label`` outward of the point (x, y) whose outward normal is (nx, ny)."""
    label.anchor = (x, y)
    if abs(nx) >= abs(ny):
        left = x + GAP + DOT if nx > 0 else x - GAP - DOT - label.width
        top = y - label.height / 2
    else:
        left = x - label.width / 2
        top = y + GAP + DOT if ny > 0 else y - GAP - DOT - label.height
    label.box = (left, top, left + label.width, top + label.height)


def overlaps(a: Box, b: Box, pad: float = 1.0) -> bool:
    """Whether two boxes come closer than ``pad`` mm."""
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def _slot_angle(slot: int, slots: int) -> float:
    """Angle of a place on a round table: the chair at the top, the chair's right leftwards."""
    return -math.pi / 2 - 2 * math.pi * slot / slots


def layout_round(labels: dict[int, Label], slots: int) -> dict[str, float | str]:
    """Grow the radius until no two labels overlap; returns the table circle.

    Labels above and below the table are staggered (every other one a label's
    height further out), so neighbours may share columns and the table stays
    about half the size a single ring of labels would need.
    """
    radius = max(22.0, slots * 3.0)
    stagger = max((label.height for label in labels.values()), default=8.0) + 2.0
    while True:
        for slot, label in labels.items():
            angle = _slot_angle(slot, slots)
            dx, dy = math.cos(angle), math.sin(angle)
            _place_box(label, radius * dx, radius * dy, dx, dy)
            _push_clear(label, radius)
            if slot % 2 and abs(dy) > 0.9 and slots > 8:
                x0, y0, x1, y1 = label.box
                shift = stagger if dy > 0 else -stagger
                label.box = (x0, y0 + shift, x1, y1 + shift)
        boxes = [label.box for label in labels.values()]
        if not any(overlaps(a, b) for a, b in combinations(boxes, 2)):
            return {"kind": "circle", "cx": 0.0, "cy": 0.0, "r": radius}
        radius *= 1.04


def _push_clear(label: Label, radius: float) -> None:
    """Move a box outward along its anchor's ray until it clears the table circle."""
    x, y = label.anchor
    length = math.hypot(x, y) or 1.0
    ux, uy = x / length, y / length
    for _ in range(200):
        x0, y0, x1, y1 = label.box
        cx, cy = min(max(0.0, x0), x1), min(max(0.0, y0), y1)
        if math.hypot(cx, cy) >= radius + GAP:
            return
        label.box = (x0 + ux, y0 + uy, x1 + ux, y1 + uy)


def side_counts(slots: int, bottom: bool, pitch: tuple[float, float]) -> tuple[int, int, int, int]:
    """Places on the top (the chair's side), left, bottom and right of a rectangle.

    Chooses the split whose outline is closest to a landscape sheet (√2 : 1);
    the top always has an odd count, so the chair is in its middle, and a
    hollow square has about as many places on the bottom as on the top.
    """
    across, down = pitch
    best: tuple[float, tuple[int, int, int, int]] | None = None
    for top in range(1, slots + 1, 2):
        for low in range(max(0, top - 2), top + 1) if bottom else (0,):
            rest = slots - top - low
            if rest < 0:
                break
            left = math.ceil(rest / 2)
            width = max(top, low, 1) * across
            height = (max(left, 1) + 1) * down
            score = abs(math.log(width / height / math.sqrt(2))) + width * height / 4e5
            if best is None or score < best[0]:
                best = (score, (top, left, low, rest - left))
    assert best is not None
    return best[1]


def rectangle_slots(
    counts: tuple[int, int, int, int], pitch: tuple[float, float]
) -> tuple[list[tuple[float, float, float, float]], float, float]:
    """(x, y, nx, ny) of every place from the chair's, going to the chair's right.

    The chair sits at the top centre facing down, so its right is the
    drawing's left: the top-left half, down the left side, along the bottom
    left to right, up the right side, the top-right half.
    """
    top, left, low, right = counts
    across, down = pitch
    width = max(top, low, 1) * across
    height = (max(left, right, 1) + 1) * down
    half_w, half_h = width / 2, height / 2
    half = top // 2
    places = [(-i * across, -half_h, 0.0, -1.0) for i in range(half + 1)]
    places += [(-half_w, -half_h + (i + 1) * height / (left + 1), -1.0, 0.0) for i in range(left)]
    places += [(-half_w + (i + 0.5) * width / low, half_h, 0.0, 1.0) for i in range(low)]
    places += [(half_w, half_h - (i + 1) * height / (right + 1), 1.0, 0.0) for i in range(right)]
    places += [((half - i) * across, -half_h, 0.0, -1.0) for i in range(half)]
    return places, width, height


def layout_rectangle(labels: dict[int, Label], slots: int, bottom: bool) -> dict[str, float | str]:
    """A hollow square (``bottom``) or a U (open at the bottom) with every label outside."""
    widest = max((label.width for label in labels.values()), default=20.0)
    tallest = max((label.height for label in labels.values()), default=8.0)
    pitch = (max(widest, 2 * DOT) + 4.0, tallest + 3.0)
    counts = side_counts(slots, bottom, pitch)
    places, width, height = rectangle_slots(counts, pitch)
    for slot, label in labels.items():
        _place_box(label, *places[slot])
    kind = "square" if bottom else "u"
    return {"kind": kind, "x": -width / 2, "y": -height / 2, "w": width, "h": height}


#: Width and height (mm) a drawing may take inside the text of a portrait A4 page.
INLINE_ROOM = (165.0, 190.0)


def paper_for(width: float, height: float) -> str:
    """Where a drawing of this size goes at 100 %: ``inline`` in the text when it fits
    there (a small summit keeps its order, plan and photo on one page), else the
    smallest ISO sheet, landscape, that holds it."""
    if width <= INLINE_ROOM[0] and height <= INLINE_ROOM[1]:
        return "inline"
    room_x, room_y = PAGE_ROOM
    for name, short, long in PAPERS:
        if width <= long - room_x and height <= short - room_y:
            return name
    return PAPERS[-1][0]


def fit_drawing(
    shape: dict[str, float | str],
    labels: list[Label],
    points: list[tuple[float, float]],
    top: float,
) -> Drawing:
    """Move everything so the drawing starts at the margin, ``top`` mm left free for a title."""
    boxes = [label.box for label in labels]
    if shape["kind"] == "circle":
        r = float(shape["r"])
        boxes.append((-r, -r, r, r))
    else:
        x, y = float(shape["x"]), float(shape["y"])
        boxes.append((x, y, x + float(shape["w"]), y + float(shape["h"])))
    dx = MARGIN - min(b[0] for b in boxes)
    dy = MARGIN + top - min(b[1] for b in boxes)
    for label in labels:
        left, upper, right, low = label.box
        label.box = (left + dx, upper + dy, right + dx, low + dy)
        label.anchor = (label.anchor[0] + dx, label.anchor[1] + dy)
    moved = dict(shape)
    for key in ("x", "cx"):
        if key in moved:
            moved[key] = float(moved[key]) + dx
    for key in ("y", "cy"):
        if key in moved:
            moved[key] = float(moved[key]) + dy
    width = max(b[2] for b in boxes) + dx + MARGIN
    height = max(b[3] for b in boxes) + dy + MARGIN
    empty: list[dict[str, float | str]] = [
        {"kind": "free", "x": x + dx, "y": y + dy} for x, y in points
    ]
    return Drawing(width, height, moved, labels, empty)


def layout_table(shape: str, labels: dict[int, Label], slots: int, top: float) -> Drawing:
    """Lay out the labels (by slot) round a table of ``shape``; free slots become extras."""
    if shape == "round":
        outline = layout_round(labels, slots)
        r = float(outline["r"])
        points = [
            (r * math.cos(_slot_angle(s, slots)), r * math.sin(_slot_angle(s, slots)))
            for s in range(slots)
        ]
    else:
        outline = layout_rectangle(labels, slots, bottom=shape == "square")
        widest = max((label.width for label in labels.values()), default=20.0)
        tallest = max((label.height for label in labels.values()), default=8.0)
        pitch = (max(widest, 2 * DOT) + 4.0, tallest + 3.0)
        counts = side_counts(slots, shape == "square", pitch)
        points = [(x, y) for x, y, _, _ in rectangle_slots(counts, pitch)[0]]
    free = [points[s] for s in range(slots) if s not in labels]
    return fit_drawing(outline, list(labels.values()), free, top)


@dataclass(frozen=True)
class Standing:
    """One head in the family photo: where the box is and what it says."""

    x: float
    y: float
    width: float
    lines: tuple[str, ...]
    row: int
    offset: int


def layout_photo(
    rows: Sequence[Sequence[tuple[int, Sequence[str]]]],
) -> tuple[list[Standing], float, float]:
    """Boxes for the family photo, the front row at the bottom, seen by the photographer.

    ``rows`` come from :func:`briefgen.protocol.summit.photo_rows` with each
    head's lines (name, delegation); offset +1 (the chair's right) is drawn
    on the chair's left as the photographer sees it.  Returns the boxes,
    width and height of the drawing (room left at the bottom for the camera).
    """
    size = SIZE * PT
    wrapped = [
        [
            (offset, [w for text in lines for w in wrap_text(text, LABEL_WIDTH, size)])
            for offset, lines in row
        ]
        for row in rows
    ]
    widest = max(
        (text_width(t, size, bold=True) for row in wrapped for _, ls in row for t in ls),
        default=20.0,
    )
    tallest = max((len(ls) for row in wrapped for _, ls in row), default=2) * size * LEAD
    pitch_x, pitch_y = widest + 4.0, tallest + 6.0
    reach = max((abs(offset) for row in wrapped for offset, _ in row), default=0)
    centre = MARGIN + reach * pitch_x + pitch_x / 2
    standing = [
        Standing(
            centre - offset * pitch_x - widest / 2 - 1.5,
            MARGIN + (len(wrapped) - 1 - number) * pitch_y,
            widest + 3.0,
            tuple(lines),
            number,
            offset,
        )
        for number, row in enumerate(wrapped)
        for offset, lines in row
    ]
    return standing, 2 * centre, MARGIN + len(wrapped) * pitch_y + 12.0
