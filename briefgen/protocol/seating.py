"""The seating plan of a meeting: who sits where, from the loaded delegations.

The rules are in :mod:`briefgen.protocol.forms`; this module applies them to a
:class:`~briefgen.project.load.MeetingRecord` and its ``seating:`` settings, checks
those settings against the delegations (for ``briefgen check``) and gives
the plan as the JSON contract and as readable text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from briefgen.errors import Problem
from briefgen.protocol.forms import INTERPRETER_BESIDE_OFFSET, assign_offsets, short_form

if TYPE_CHECKING:
    from briefgen.schema.records import Attendee, DelegationRecord, MeetingRecord

_INTERPRETER_RE = re.compile(r"\binterpret", re.IGNORECASE)


@dataclass(frozen=True)
class Seat:
    """A seated member: precedence in the delegation and seat offset from the centre."""

    attendee: Attendee
    precedence: int
    offset: int


@dataclass(frozen=True)
class Side:
    """One side of the table; ``seats`` in order of precedence."""

    delegation: DelegationRecord
    seats: tuple[Seat, ...]
    interpreters: tuple[Attendee, ...]
    interpreter_beside: bool
    others: tuple[Attendee, ...]

    def interpreter_seat(self) -> int | None:
        """The offset of the interpreter seated at the table, if one is."""
        return INTERPRETER_BESIDE_OFFSET if self.interpreter_beside else None


@dataclass(frozen=True)
class SeatingPlan:
    """Sides host first; ``guests_face_entrance`` says where the entrance is drawn."""

    meeting_id: str
    sides: tuple[Side, ...]
    guests_face_entrance: bool


def is_interpreter(attendee: Attendee) -> bool:
    """A support member whose role (or office) mentions interpreting."""
    return attendee.member.support and bool(_INTERPRETER_RE.search(attendee.role or ""))


def plan_seating(record: MeetingRecord) -> SeatingPlan:
    """Seat every member of every delegation; raises ValueError on clashing overrides.

    ``briefgen check`` reports clashes (see :func:`check_seating`), so a
    loaded meeting never raises here.
    """
    settings = record.meeting.seating
    wanted = {entry.person: entry.offset for entry in settings.seats}
    sides = []
    for delegation in record.delegations:
        interpreters = tuple(a for a in delegation.support if is_interpreter(a))
        others = tuple(a for a in delegation.support if not is_interpreter(a))
        beside = settings.interpreters == "beside" and bool(interpreters)
        overrides = {
            a.rank: wanted[a.record.id] for a in delegation.members if a.record.id in wanted
        }
        offsets = assign_offsets(len(delegation.members), overrides, interpreter_beside=beside)
        seats = tuple(
            Seat(a, a.rank, offset) for a, offset in zip(delegation.members, offsets, strict=True)
        )
        sides.append(Side(delegation, seats, interpreters, beside, others))
    return SeatingPlan(record.id, tuple(sides), settings.facing_entrance == "guests")


def check_seating(record: MeetingRecord) -> list[Problem]:
    """Problems with ``seating.seats``: unknown or unseated people, two people on one seat."""
    problems = []
    beside = record.meeting.seating.interpreters == "beside"
    seated = {a.record.id: d for d in record.delegations for a in d.members}
    support = {a.record.id: d for d in record.delegations for a in d.support}
    taken: dict[tuple[str, int], str] = {}
    for index, entry in enumerate(record.meeting.seating.seats):
        where = ("seating", "seats", index)
        delegation = seated.get(entry.person)
        if delegation is None:
            reason = (
                f"is support staff in delegation '{support[entry.person].id}' and support "
                "staff are not seated at the table"
                if entry.person in support
                else "is not a member of any delegation of this meeting"
            )
            problems.append(
                record.document.problem(
                    (*where, "person"),
                    "BG320",
                    f"seat override for '{entry.person}': the person {reason}",
                    "give a seat only to seated members, or remove the entry",
                )
            )
            continue
        has_interpreter = any(is_interpreter(a) for a in delegation.support)
        key = (delegation.id, entry.offset)
        if beside and has_interpreter and entry.offset == INTERPRETER_BESIDE_OFFSET:
            holder = "the interpreter (interpreters: beside)"
        else:
            holder = taken.get(key, "")
        if holder:
            problems.append(
                record.document.problem(
                    (*where, "offset"),
                    "BG321",
                    f"seat {entry.offset:+d} of delegation '{delegation.id}' is already given "
                    f"to {holder}",
                    "give each member of a side a different seat",
                )
            )
            continue
        taken[key] = f"'{entry.person}'"
    return problems


def seating_json(plan: SeatingPlan) -> dict[str, Any]:
    """The contract of ``briefgen seating --json``: sides host first, seats by precedence."""
    return {
        "meeting": plan.meeting_id,
        "sides": [
            {
                "delegation": side.delegation.id,
                "seats": [
                    {
                        "person": seat.attendee.record.id,
                        "precedence": seat.precedence,
                        "offset": seat.offset,
                    }
                    for seat in side.seats
                ],
            }
            for side in plan.sides
        ],
    }


def describe_offset(offset: int) -> str:
    """``centre``, ``2nd right``, ``1st left`` (of the seated person)."""
    if offset == 0:
        return "centre"
    number = abs(offset)
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number if number < 20 else number % 10, "th")
    return f"{number}{suffix} {'right' if offset > 0 else 'left'}"


def format_plan(plan: SeatingPlan, title: str) -> str:
    """A readable plan: one row per side as drawn (host at the bottom), then each seat."""
    lines = [f"Seating plan: {title} ({plan.meeting_id})", ""]
    drawn = list(reversed(plan.sides[:2]))
    width = max((abs(s.offset) for side in plan.sides for s in side.seats), default=0)
    width = max(width, 1)
    labels = {
        side.delegation.id: f"{side.delegation.delegation.short or side.delegation.delegation.name}"
        f" (facing {'up' if side is plan.sides[0] else 'down'}):"
        for side in drawn
    }
    label_width = max((len(label) for label in labels.values()), default=0)
    for side in drawn:
        bottom = side is plan.sides[0]
        cells = []
        for position in range(-width, width + 1):
            offset = position if bottom else -position
            number = next((s.precedence for s in side.seats if s.offset == offset), None)
            if number is None and side.interpreter_seat() == offset:
                cells.append("  I")
            else:
                cells.append(f"{number:3d}" if number else "  .")
        lines.append(f"{labels[side.delegation.id]:<{label_width}} {''.join(cells)}")
    entrance = "guests" if plan.guests_face_entrance else "host"
    lines += [
        "",
        "Numbers are precedence; offsets are counted from the centre seat, to the seated",
        f"person's own right (+) or left (-). I: interpreter. The {entrance} face the entrance.",
    ]
    for side in plan.sides:
        delegation = side.delegation
        host = " (host)" if delegation.is_host else ""
        lines += ["", f"{delegation.delegation.name}{host}"]
        for seat in side.seats:
            person = seat.attendee.record.person
            role = seat.attendee.role
            where = f"seat {seat.offset:+3d} ({describe_offset(seat.offset)})"
            lines.append(
                f"  {seat.precedence:2d}. {where}: {short_form(person, role)}"
                + (f" — {role}" if role else "")
            )
        for interpreter in side.interpreters:
            place = "beside the principal, 1st left" if side.interpreter_beside else "behind"
            name = short_form(interpreter.record.person, interpreter.role)
            lines.append(f"      interpreter ({place}): {name}")
        for other in side.others:
            name = short_form(other.record.person, other.role)
            lines.append(
                f"      not at the table: {name}" + (f" — {other.role}" if other.role else "")
            )
    return "\n".join(lines) + "\n"
