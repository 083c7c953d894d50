"""What ``check`` queries in a meeting of several delegations: heads, chair, dates, places.

Warnings (BG414–BG417, docs/errors.md), located in the file a user would
edit: the delegation without a head, the head whose role claims the chair,
meeting.yaml for the order and the table.
"""

from __future__ import annotations

from briefgen.errors import Problem
from briefgen.protocol.order import missing_since
from briefgen.protocol.summit import chair_of, claims_chair, head_of, party_of
from briefgen.schema.records import DelegationRecord, MeetingRecord


def check_summit(record: MeetingRecord) -> list[Problem]:
    """Delegations without a head, two chairs, missing ``since`` dates, too few places."""
    found = [_no_head(d) for d in record.delegations if head_of(d) is None]
    found += _chair_claims(record)
    found += _missing_since(record)
    places = record.meeting.seating.places
    others = len(record.delegations) - (1 if chair_of(record.meeting) else 0)
    if places is not None and places < others:
        found.append(
            record.document.problem(
                ("seating", "places"),
                "BG417",
                f"the table has {places} places for {others} delegations besides the chair",
                f"give 'places: {others}' or more, or remove the key",
            )
        )
    return found


def _no_head(delegation: DelegationRecord) -> Problem:
    return delegation.document.problem(
        ("members",),
        "BG414",
        f"delegation '{delegation.id}' has no head: every member is support staff",
        "put the head of delegation first, without 'support: true'",
    )


def _chair_claims(record: MeetingRecord) -> list[Problem]:
    claims = []
    for delegation in record.delegations:
        head = head_of(delegation)
        if head is not None and claims_chair(head):
            claims.append((delegation, head))
    chair = record.meeting.chair
    if len(claims) < 2 and not (claims and chair and claims[0][0].id != chair):
        return []
    names = ", ".join(f"'{h.record.id}' ({d.id})" for d, h in claims)
    return [
        delegation.document.problem(
            ("members", head.index, "role" if head.member.role else "person"),
            "BG415",
            f"'{head.record.id}' claims the chair ({head.role}); claims: {names}"
            + (f"; meeting.yaml names '{chair}'" if chair else ""),
            "keep one chair: correct the roles, or set 'chair:' in meeting.yaml",
        )
        for delegation, head in claims
    ]


def _missing_since(record: MeetingRecord) -> list[Problem]:
    if record.meeting.order.rule != "rank":
        return []
    heads = {d.id: head_of(d) for d in record.delegations}
    found = []
    for party in missing_since([party_of(d) for d in record.delegations if heads[d.id]]):
        head = heads[party.id]
        assert head is not None
        found.append(
            record.document.problem(
                ("order", "rule"),
                "BG416",
                f"order by rank: '{head.record.id}' ({party.rank}, delegation '{party.id}') "
                "has no 'since' date and shares the rank with another head",
                f"add 'since: YYYY-MM-DD' (date of taking office) to people/{head.record.id}.yaml",
            )
        )
    return found
