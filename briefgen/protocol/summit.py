"""Multilateral meetings: the order of delegations, the table plan and the family photo.

Applies :mod:`briefgen.protocol.order` and the seating rules of DOMAIN.md to
a meeting's records.  A plan is multilateral when the meeting has three or
more delegations or names a ``seating.table`` shape; two delegations without
one keep the bilateral plan of :mod:`briefgen.protocol.seating`, unchanged.

Round the table, places are counted from the chair's place (0), positive to
the chair's own right.  With ``placing: alternate`` the delegations after the
chair take the alternation of the bilateral rule (+1, −1, +2 …); with
``around`` they follow each other from the chair's right (+1, +2 …).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from briefgen.protocol.forms import rule_offset, short_form
from briefgen.protocol.order import Party, infer_rank, order_parties
from briefgen.protocol.seating import is_interpreter
from briefgen.schema.models import Meeting
from briefgen.schema.records import Attendee, DelegationRecord, MeetingRecord

#: Up to this many delegations a table is round by default; above, a hollow square.
ROUND_UP_TO = 12


def head_of(delegation: DelegationRecord) -> Attendee | None:
    """The head of delegation: the first seated member in order of precedence."""
    return delegation.members[0] if delegation.members else None


def party_of(delegation: DelegationRecord) -> Party:
    """The delegation as the order sees it: names and its head's rank and date in office."""
    head = head_of(delegation)
    person = head.record.person if head else None
    rank = (person.rank if person else None) or infer_rank(head.role if head else None)
    model = delegation.delegation
    return Party(
        delegation.id,
        model.short or model.name,
        model.country,
        rank,
        person.since if person else None,
    )


def chair_of(meeting: Meeting) -> str | None:
    """The id of the chair's delegation: ``chair``, else the host."""
    return meeting.chair or meeting.host


def order_delegations(
    meeting: Meeting, delegations: Sequence[DelegationRecord]
) -> list[DelegationRecord]:
    """``delegations`` in the meeting's order; by default the host first, then as listed."""
    rule = meeting.order
    ids = order_parties(
        [party_of(d) for d in delegations],
        rule.rule,
        language=rule.language or meeting.language,
        start=rule.start,
        chair=chair_of(meeting),
        chair_place=rule.chair,
    )
    by_id = {d.id: d for d in delegations}
    return [by_id[i] for i in ids]


def is_multilateral(record: MeetingRecord) -> bool:
    """Three or more delegations, or a table shape asked for."""
    return len(record.delegations) > 2 or record.meeting.seating.table is not None


@dataclass(frozen=True)
class Place:
    """One delegation's place: ``number`` in the order, ``offset`` from the chair's place."""

    number: int
    offset: int
    delegation: DelegationRecord
    at_table: tuple[Attendee, ...]
    interpreter: Attendee | None
    behind: tuple[Attendee, ...]
    away: tuple[Attendee, ...]


@dataclass(frozen=True)
class TablePlan:
    """A multilateral table: its shape, the number of places round it and who sits where."""

    meeting_id: str
    shape: str
    slots: int
    places: tuple[Place, ...]
    booths: bool


def table_offset(number: int, placing: str) -> int:
    """The offset from the chair's place of the delegation ``number`` (1 = the chair)."""
    return rule_offset(number) if placing == "alternate" else number - 1


def _place(number: int, offset: int, delegation: DelegationRecord, beside: int, sit: bool) -> Place:
    interpreters = [a for a in delegation.support if is_interpreter(a)]
    interpreter = interpreters.pop(0) if sit and interpreters else None
    return Place(
        number,
        offset,
        delegation,
        delegation.members[: 1 + beside],
        interpreter,
        (*delegation.members[1 + beside :], *interpreters),
        tuple(a for a in delegation.support if not is_interpreter(a)),
    )


def plan_table(record: MeetingRecord) -> TablePlan:
    """Seat the delegations: the chair at place 0, the others in the meeting's order."""
    seating = record.meeting.seating
    chair = chair_of(record.meeting)
    seated = sorted(record.delegations, key=lambda d: d.id != chair)  # stable: order kept
    count = len(seated)
    shape = seating.table or ("round" if count <= ROUND_UP_TO else "square")
    has_chair = chair in {d.id for d in seated}
    slots = max(count, (seating.places or 0) + (1 if has_chair else 0))
    sit = seating.interpreters == "beside"
    places = tuple(
        _place(n, table_offset(n, seating.placing), d, seating.beside, sit)
        for n, d in enumerate(seated, start=1)
    )
    return TablePlan(record.id, shape, slots, places, seating.booths)


def table_json(plan: TablePlan) -> dict[str, Any]:
    """The contract of ``briefgen seating --json`` for a multilateral plan (docs/format.md)."""

    def ids(attendees: Sequence[Attendee]) -> list[str]:
        return [a.record.id for a in attendees]

    return {
        "meeting": plan.meeting_id,
        "table": plan.shape,
        "places": plan.slots,
        "delegations": [
            {
                "delegation": place.delegation.id,
                "number": place.number,
                "offset": place.offset,
                "at_table": ids(place.at_table),
                "interpreter": place.interpreter.record.id if place.interpreter else None,
                "behind": ids(place.behind),
            }
            for place in plan.places
        ],
    }


def photo_rows(heads: Sequence[Any], row: int) -> list[list[tuple[int, Any]]]:
    """The family photo: rows of ``row``, front first; in each, (offset, head) by the rule.

    The first of ``heads`` (the chair) stands at the centre of the front row, the
    next at the chair's right (+1), then left (−1) …; each row behind again from
    its centre.  Offsets are to the standing person's own right, so the
    photographer sees +1 on the left.

    >>> photo_rows("ABCDE", 3)
    [[(0, 'A'), (1, 'B'), (-1, 'C')], [(0, 'D'), (1, 'E')]]
    """
    return [
        [(rule_offset(p), head) for p, head in enumerate(heads[start : start + row], start=1)]
        for start in range(0, len(heads), row)
    ]


#: "Chairman of the Government" is the Russian Prime Minister's title, not a claim to the chair.
_CHAIR_ROLE = re.compile(
    r"\bchair(man|woman|person)?\b(?! of the (government|council of ministers|state council))",
    re.IGNORECASE,
)


def claims_chair(attendee: Attendee) -> bool:
    """A head whose role at the meeting says they chair it (Chair, Chairman, Chairperson)."""
    return bool(_CHAIR_ROLE.search(attendee.role or ""))


def format_table(plan: TablePlan, title: str) -> str:
    """A readable multilateral plan: each delegation's place, who sits at the table and behind."""
    lines = [
        f"Table plan: {title} ({plan.meeting_id})",
        f"{plan.shape} table, {plan.slots} places; place 0 is the chair's, positive to the "
        "chair's own right.",
        "",
    ]
    for place in plan.places:
        delegation = place.delegation.delegation
        lines.append(f"{place.number:3d}. place {place.offset:+d}: {delegation.name}")
        for attendee in place.at_table:
            lines.append(
                f"       at the table: {short_form(attendee.record.person, attendee.role)}"
            )
        if place.interpreter:
            name = short_form(place.interpreter.record.person, place.interpreter.role)
            lines.append(f"       interpreter beside: {name}")
        for attendee in place.behind:
            lines.append(f"       behind: {short_form(attendee.record.person, attendee.role)}")
    return "\n".join(lines) + "\n"
