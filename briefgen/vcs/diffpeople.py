"""Changes to the delegations (who attends, in what order and role) and to the people's files."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

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
    """The delegation's own fields and side, then its members: gone, new, moved, re-roled."""
    return [*_delegation_fields(old, new), *_member_changes(old, new)]


def _delegation_fields(old: DelegationRecord, new: DelegationRecord) -> list[Change]:
    name = new.delegation.name

    def changed(key: str, label: str, before: str | None, after: str | None) -> Change:
        where = Where("delegations", delegation=new.id, field=key)
        return Change("delegation", "changed", where, label, before, after, context=name)

    changes = [
        changed(key, key, getattr(old.delegation, key), getattr(new.delegation, key))
        for key in ("name", "short", "country")
        if getattr(old.delegation, key) != getattr(new.delegation, key)
    ]
    if old.is_host != new.is_host:
        sides = ("host" if old.is_host else "guest", "host" if new.is_host else "guest")
        changes.append(changed("host", "side", *sides))
    return changes


def _member_changes(old: DelegationRecord, new: DelegationRecord) -> list[Change]:
    name = new.delegation.name
    before = {a.record.id: a for a in (*old.members, *old.support)}
    after = {a.record.id: a for a in (*new.members, *new.support)}

    def change(action: Action, attendee: Attendee, key: str | None, **text: Any) -> Change:
        pid = attendee.record.id
        where = Where("delegations", delegation=new.id, person=pid, field=key)
        label = display_name(attendee.record.person.name)
        label = f"{label}, {text.pop('label')}" if "label" in text else label
        return Change("member", action, where, label, context=name, **text)

    changes = [
        change("removed", attendee, None, before=_member_line(attendee))
        for attendee in (*old.members, *old.support)
        if attendee.record.id not in after
    ]
    kept = _kept_in_order(
        [a.record.id for a in old.members if a.record.id in after],
        [a.record.id for a in new.members if a.record.id in before],
    )
    for attendee in (*new.members, *new.support):
        previous = before.get(attendee.record.id)
        if previous is None:
            changes.append(change("added", attendee, None, after=_member_line(attendee)))
            continue
        was, now = previous.member, attendee.member
        if was.support != now.support:
            seated = (
                "support staff" if was.support else "seated",
                "support staff" if now.support else "seated",
            )
            changes.append(
                change("changed", attendee, "support", before=seated[0], after=seated[1])
            )
        elif not now.support and attendee.record.id not in kept and previous.rank != attendee.rank:
            ranks = {"before": ordinal(previous.rank), "after": ordinal(attendee.rank)}
            changes.append(change("moved", attendee, "precedence", label="precedence", **ranks))
        explicit = was.role is not None or now.role is not None
        if explicit and previous.role != attendee.role:
            roles = {"before": previous.role, "after": attendee.role}
            changes.append(change("changed", attendee, "role", label="role", **roles))
    return changes


def _kept_in_order(old: list[str], new: list[str]) -> set[str]:
    """Ids whose relative order is unchanged (the longest common run); the rest moved."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return {
        pid
        for block in matcher.get_matching_blocks()
        for pid in old[block.a : block.a + block.size]
    }


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
