"""Changes to the delegations (who attends, in what order and role) and to the people's files."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from briefgen.protocol.forms import display_name
from briefgen.schema.models import Person
from briefgen.schema.records import Attendee, DelegationRecord, PersonRecord
from briefgen.vcs.changeset import Action, Change, Where, text_of, word_edits


def ordinal(rank: int) -> str:
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def _member_line(attendee: Attendee) -> str:
    """``Minister of Foreign Affairs, 2nd in precedence``: the role and place of a member."""
    place = (
        "support staff" if attendee.member.support else f"{ordinal(attendee.rank)} in precedence"
    )
    return f"{attendee.role}, {place}" if attendee.role else place


def diff_delegations(
    old: Sequence[DelegationRecord], new: Sequence[DelegationRecord]
) -> list[Change]:
    return _name_apart(_diff_delegation_lists(old, new))


def _name_apart(changes: list[Change]) -> list[Change]:
    """Add the person id to members added or removed under one name (a renamed person file)."""
    coming_going = [
        c for c in changes if c.subject == "member" and c.action in ("added", "removed")
    ]
    labels = [c.label for c in coming_going]
    return [
        replace(c, label=f"{c.label} ({c.where.person})")
        if c in coming_going and labels.count(c.label) > 1
        else c
        for c in changes
    ]


def _diff_delegation_lists(
    old: Sequence[DelegationRecord], new: Sequence[DelegationRecord]
) -> list[Change]:
    changes: list[Change] = []
    old_by_id = {d.id: d for d in old}
    new_ids = {d.id for d in new}
    for record in old:
        if record.id not in new_ids:
            changes.append(
                Change(
                    "delegation",
                    "removed",
                    Where("delegations", delegation=record.id),
                    record.delegation.name,
                )
            )
    for record in new:
        before = old_by_id.get(record.id)
        if before is None:
            changes.append(
                Change(
                    "delegation",
                    "added",
                    Where("delegations", delegation=record.id),
                    record.delegation.name,
                )
            )
            continue
        changes += _diff_delegation(before, record)
    return changes


def _diff_delegation(old: DelegationRecord, new: DelegationRecord) -> list[Change]:
    changes: list[Change] = []
    name = new.delegation.name
    for key in ("name", "short", "country"):
        before, after = getattr(old.delegation, key), getattr(new.delegation, key)
        if before != after:
            changes.append(
                Change(
                    "delegation",
                    "changed",
                    Where("delegations", delegation=new.id, field=key),
                    key,
                    before,
                    after,
                    context=name,
                )
            )
    if old.is_host != new.is_host:
        changes.append(
            Change(
                "delegation",
                "changed",
                Where("delegations", delegation=new.id, field="host"),
                "side",
                "host" if old.is_host else "guest",
                "host" if new.is_host else "guest",
                context=name,
            )
        )
    before = {a.record.id: a for a in (*old.members, *old.support)}
    after = {a.record.id: a for a in (*new.members, *new.support)}

    def where(person: str, key: str | None = None) -> Where:
        return Where("delegations", delegation=new.id, person=person, field=key)

    for attendee in (*old.members, *old.support):
        if attendee.record.id not in after:
            changes.append(
                Change(
                    "member",
                    "removed",
                    where(attendee.record.id),
                    display_name(attendee.record.person.name),
                    before=_member_line(attendee),
                    context=name,
                )
            )
    seated_old = [a.record.id for a in old.members if a.record.id in after]
    seated_new = [a.record.id for a in new.members if a.record.id in before]
    matcher = difflib.SequenceMatcher(None, seated_old, seated_new, autojunk=False)
    kept = {
        pid
        for block in matcher.get_matching_blocks()
        for pid in seated_old[block.a : block.a + block.size]
    }
    for attendee in (*new.members, *new.support):
        pid = attendee.record.id
        previous = before.get(pid)
        if previous is None:
            changes.append(
                Change(
                    "member",
                    "added",
                    where(pid),
                    display_name(attendee.record.person.name),
                    after=_member_line(attendee),
                    context=name,
                )
            )
            continue
        label = display_name(attendee.record.person.name)
        if previous.member.support != attendee.member.support:
            changes.append(
                Change(
                    "member",
                    "changed",
                    where(pid, "support"),
                    label,
                    "support staff" if previous.member.support else "seated",
                    "support staff" if attendee.member.support else "seated",
                    context=name,
                )
            )
        elif not attendee.member.support and pid not in kept and previous.rank != attendee.rank:
            changes.append(
                Change(
                    "member",
                    "moved",
                    where(pid, "precedence"),
                    f"{label}, precedence",
                    ordinal(previous.rank),
                    ordinal(attendee.rank),
                    context=name,
                )
            )
        explicit = previous.member.role is not None or attendee.member.role is not None
        if explicit and previous.role != attendee.role:
            changes.append(
                Change(
                    "member",
                    "changed",
                    where(pid, "role"),
                    f"{label}, role",
                    previous.role,
                    attendee.role,
                    context=name,
                )
            )
    return changes


_PERSON_FIELDS: dict[str, tuple[str, Callable[[Person], object]]] = {
    "given": ("given name", lambda p: p.name.given),
    "family": ("family name", lambda p: p.name.family),
    "patronymic": ("patronymic", lambda p: p.name.patronymic),
    "order": ("name order", lambda p: p.name.order),
    "native": ("name in native script", lambda p: p.name.native),
    "pronunciation": ("pronunciation", lambda p: p.name.pronunciation),
    "honorific": ("honorific", lambda p: p.honorific),
    "salutation": ("salutation", lambda p: p.salutation),
    "office": ("office", lambda p: p.office),
    "born": ("born", lambda p: p.born),
}


def photo_digest(path: Path | None) -> str | None:
    """SHA-256 of a photo's bytes: a renamed photo is the same photo, a new file is not."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else None


def diff_people(old: Iterable[PersonRecord], new: Iterable[PersonRecord]) -> list[Change]:
    before = {p.id: p for p in old}
    changes: list[Change] = []
    for record in new:
        previous = before.get(record.id)
        if previous is None:
            continue
        a, b = previous.person, record.person
        label = display_name(b.name)

        def where(key: str, pid: str = record.id) -> Where:
            return Where("people", person=pid, field=key)

        for key, (title, get) in _PERSON_FIELDS.items():
            old_value, new_value = text_of(get(a)), text_of(get(b))
            if old_value != new_value:
                changes.append(
                    Change(
                        "person", "changed", where(key), title, old_value, new_value, context=label
                    )
                )
        if (a.bio or "").split() != (b.bio or "").split():
            changes.append(
                Change(
                    "person",
                    "edited",
                    where("bio"),
                    "biography",
                    a.bio,
                    b.bio,
                    word_edits(a.bio or "", b.bio or ""),
                    label,
                )
            )
        old_photo, new_photo = photo_digest(previous.photo), photo_digest(record.photo)
        if old_photo != new_photo:
            action: Action = (
                "added" if old_photo is None else "removed" if new_photo is None else "replaced"
            )
            changes.append(
                Change(
                    "photo",
                    action,
                    where("photo"),
                    "photo",
                    a.photo if old_photo else None,
                    b.photo if new_photo else None,
                    context=label,
                )
            )
    return changes
