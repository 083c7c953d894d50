"""What changed in a meeting between two versions, in the terms a reader of the book uses.

:func:`diff_meetings` compares two loaded meetings and returns a list of
:class:`Change` objects in book order (marking first).  Each change says
what it concerns (:class:`Where`: the person id, topic index, point index
…) so the same list can drive a text report, a "Changes since" page and
change bars in the book.  Pure functions, no I/O except hashing photos.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time
from pathlib import Path
from typing import Literal

from briefgen.protocol.forms import display_name
from briefgen.schema.models import Entry, Meeting, Person, ProgrammeItem, Topic
from briefgen.schema.records import Attendee, DelegationRecord, MeetingRecord, PersonRecord

Subject = Literal[
    "marking",
    "caveats",
    "meeting",
    "programme",
    "objective",
    "topic",
    "background",
    "point",
    "if-raised",
    "press",
    "delegation",
    "member",
    "person",
    "photo",
]
Action = Literal["added", "removed", "moved", "edited", "changed", "replaced"]
Section = Literal[
    "marking", "meeting", "programme", "objectives", "topics", "press", "delegations", "people"
]
WordOp = Literal["equal", "delete", "insert"]

#: Two versions of a line are "the same line, edited" when at least this share of words agrees.
SIMILAR = 0.5


@dataclass(frozen=True)
class WordEdit:
    """A run of words kept, deleted or inserted; ``text`` is the words joined by spaces."""

    op: WordOp
    text: str


@dataclass(frozen=True)
class Where:
    """What a change concerns, for linking it to the book.

    Indices are 0-based positions in the YAML lists of the newer version,
    or of the older one for a removed item.  ``topic`` is set for
    ``background``, ``point`` and ``if-raised`` changes; ``item`` is the
    index of the objective, point, if-raised line, press line or programme
    item.  ``person`` is the person id; ``delegation`` the delegation id.
    """

    section: Section
    delegation: str | None = None
    person: str | None = None
    topic: int | None = None
    item: int | None = None
    field: str | None = None


@dataclass(frozen=True)
class Change:
    """One change a reader of the book would notice.

    ``label`` names the thing changed as the book shows it ("Restricted
    talks", "point 2", "office") and ``context`` what it belongs to, for a
    sub-heading (the topic's title, the delegation's name, the person's
    name); ``before``/``after`` are plain text (``None`` for added/removed);
    ``words`` holds the word-level edit of an edited text.
    """

    subject: Subject
    action: Action
    where: Where
    label: str
    before: str | None = None
    after: str | None = None
    words: tuple[WordEdit, ...] = field(default=())
    context: str | None = None

    @property
    def kind(self) -> str:
        return f"{self.subject}-{self.action}"


def word_edits(before: str, after: str) -> tuple[WordEdit, ...]:
    """The word-level edit turning ``before`` into ``after`` (whitespace normalised)."""
    old, new = before.split(), after.split()
    edits: list[WordEdit] = []

    def add(op: WordOp, words: Sequence[str]) -> None:
        if words:
            edits.append(WordEdit(op, " ".join(words)))

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", old[i1:i2])
        else:
            add("delete", old[i1:i2])
            add("insert", new[j1:j2])
    return tuple(edits)


def similarity(before: str, after: str) -> float:
    return difflib.SequenceMatcher(None, before.split(), after.split(), autojunk=False).ratio()


def _same_text(a: str, b: str) -> bool:
    return a.split() == b.split()


def _pair_lists(old: Sequence[str], new: Sequence[str]) -> list[tuple[int | None, int | None]]:
    """Align two lists of texts: pairs of (old index, new index); ``None`` on one side."""
    keys_old = [" ".join(t.split()) for t in old]
    keys_new = [" ".join(t.split()) for t in new]
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        free_new = list(range(j1, j2))
        for i in range(i1, i2):
            best = max(free_new, key=lambda j: similarity(old[i], new[j]), default=None)
            if best is not None and similarity(old[i], new[best]) >= SIMILAR:
                pairs.append((i, best))
                free_new.remove(best)
            else:
                pairs.append((i, None))
        pairs.extend((None, j) for j in free_new)
    return pairs


def _diff_texts(
    old_lines: Sequence[str | Entry],
    new_lines: Sequence[str | Entry],
    subject: Subject,
    where: Callable[[int], Where],
    label: Callable[[int], str],
    context: str | None = None,
) -> list[Change]:
    """Added, removed, moved and edited lines of a list of Markdown texts (or entries)."""
    old = [line if isinstance(line, str) else line.text for line in old_lines]
    new = [line if isinstance(line, str) else line.text for line in new_lines]
    pairs = _pair_lists(old, new)
    removed = [i for i, j in pairs if j is None and i is not None]
    added = [j for i, j in pairs if i is None and j is not None]
    moved: dict[int, int] = {}
    for gone in removed:
        twin = next(
            (j for j in added if _same_text(old[gone], new[j]) and j not in moved.values()), None
        )
        if twin is not None:
            moved[gone] = twin
    changes: list[Change] = []
    for i, j in pairs:
        if i is not None and j is not None:
            if not _same_text(old[i], new[j]):
                changes.append(
                    Change(
                        subject,
                        "edited",
                        where(j),
                        label(j),
                        old[i],
                        new[j],
                        word_edits(old[i], new[j]),
                        context,
                    )
                )
        elif i is not None and i in moved:
            target = moved[i]
            changes.append(
                Change(
                    subject,
                    "moved",
                    where(target),
                    label(target),
                    str(i + 1),
                    str(target + 1),
                    context=context,
                )
            )
        elif i is not None:
            changes.append(
                Change(subject, "removed", where(i), label(i), before=old[i], context=context)
            )
        elif j is not None and j not in moved.values():
            changes.append(
                Change(subject, "added", where(j), label(j), after=new[j], context=context)
            )
    return changes


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or None
    return str(value)


def diff_meetings(old: MeetingRecord, new: MeetingRecord) -> list[Change]:
    """Every change from ``old`` to ``new``, in book order with the marking first."""
    return [
        *_diff_marking(old.meeting, new.meeting),
        *_diff_meeting_fields(old.meeting, new.meeting),
        *_diff_programme(old.meeting.programme, new.meeting.programme),
        *_diff_texts(
            old.meeting.objectives,
            new.meeting.objectives,
            "objective",
            lambda i: Where("objectives", item=i),
            lambda i: f"Objective {i + 1}",
        ),
        *_diff_topics(old.meeting.topics, new.meeting.topics),
        *_diff_texts(
            old.meeting.press,
            new.meeting.press,
            "press",
            lambda i: Where("press", item=i),
            lambda i: f"Press line {i + 1}",
        ),
        *_diff_delegations(old.delegations, new.delegations),
        *_diff_people(old.people, new.people),
    ]


def _diff_marking(old: Meeting, new: Meeting) -> list[Change]:
    changes = []
    if old.marking.upper() != new.marking.upper():
        changes.append(
            Change(
                "marking",
                "changed",
                Where("marking", field="marking"),
                "Marking",
                old.marking.upper(),
                new.marking.upper(),
            )
        )
    old_caveats = [c.upper() for c in old.caveats]
    new_caveats = [c.upper() for c in new.caveats]
    if old_caveats != new_caveats:
        changes.append(
            Change(
                "caveats",
                "changed",
                Where("marking", field="caveats"),
                "Caveats",
                ", ".join(old_caveats) or "none",
                ", ".join(new_caveats) or "none",
            )
        )
    return changes


_MEETING_FIELDS = {
    "title": "Title",
    "short_title": "Short title",
    "date": "Date",
    "start": "Start",
    "end": "End",
    "timezone": "Timezone",
    "venue": "Venue",
    "city": "City",
    "host": "Host",
    "perspective": "Prepared for",
    "language": "Language",
}


def _diff_meeting_fields(old: Meeting, new: Meeting) -> list[Change]:
    changes = []
    for name, label in _MEETING_FIELDS.items():
        before, after = _text(getattr(old, name)), _text(getattr(new, name))
        if before != after:
            words = word_edits(before, after) if name == "title" and before and after else ()
            changes.append(
                Change(
                    "meeting",
                    "changed",
                    Where("meeting", field=name),
                    label,
                    before,
                    after,
                    words,
                )
            )
    return changes


def _slot(item: ProgrammeItem) -> str:
    end = f"–{item.end:%H:%M}" if item.end else ""
    return f"{item.time:%H:%M}{end}"


def _when_where(item: ProgrammeItem) -> str:
    return f"{_slot(item)}, {item.place}" if item.place else _slot(item)


def _diff_programme(old: list[ProgrammeItem], new: list[ProgrammeItem]) -> list[Change]:
    """Items are the same item when their titles match, or failing that their times."""
    pairs: list[tuple[int, int]] = []
    free_old, free_new = list(range(len(old))), list(range(len(new)))
    for same in (
        lambda a, b: _same_text(a.title, b.title),
        lambda a, b: a.time == b.time,
        lambda a, b: similarity(a.title, b.title) >= SIMILAR,
    ):
        for i in list(free_old):
            j = next((j for j in free_new if same(old[i], new[j])), None)
            if j is not None:
                pairs.append((i, j))
                free_old.remove(i)
                free_new.remove(j)
    changes: list[Change] = []
    for i in free_old:
        item = old[i]
        changes.append(
            Change(
                "programme",
                "removed",
                Where("programme", item=i),
                item.title,
                before=_when_where(item),
            )
        )
    for i, j in sorted(pairs, key=lambda pair: pair[1]):
        a, b = old[i], new[j]
        where = Where("programme", item=j)
        if _slot(a) != _slot(b):
            changes.append(Change("programme", "moved", where, b.title, _slot(a), _slot(b)))
        if not _same_text(a.title, b.title):
            changes.append(
                Change(
                    "programme",
                    "edited",
                    Where("programme", item=j, field="title"),
                    b.title,
                    a.title,
                    b.title,
                    word_edits(a.title, b.title),
                )
            )
        if a.place != b.place:
            changes.append(
                Change(
                    "programme",
                    "changed",
                    Where("programme", item=j, field="place"),
                    f"{b.title}, place",
                    a.place,
                    b.place,
                )
            )
    for j in free_new:
        item = new[j]
        changes.append(
            Change(
                "programme",
                "added",
                Where("programme", item=j),
                item.title,
                after=_when_where(item),
            )
        )
    order = {"removed": 0, "moved": 1, "edited": 1, "changed": 1, "added": 2}
    return sorted(changes, key=lambda c: (order[c.action], c.where.item or 0))


def _diff_topics(old: list[Topic], new: list[Topic]) -> list[Change]:
    titles_old = [t.title for t in old]
    titles_new = [t.title for t in new]
    changes: list[Change] = []
    for i, j in _pair_lists(titles_old, titles_new):
        if j is None and i is not None:
            changes.append(Change("topic", "removed", Where("topics", topic=i), old[i].title))
            continue
        if i is None and j is not None:
            changes.append(Change("topic", "added", Where("topics", topic=j), new[j].title))
            continue
        assert i is not None and j is not None
        changes.extend(_diff_topic(old[i], new[j], j))
    return changes


def _diff_topic(old: Topic, new: Topic, index: int) -> list[Change]:
    changes: list[Change] = []
    title = new.title
    if not _same_text(old.title, new.title):
        changes.append(
            Change(
                "topic",
                "edited",
                Where("topics", topic=index, field="title"),
                "title",
                old.title,
                new.title,
                word_edits(old.title, new.title),
                title,
            )
        )
    if (old.background or "").split() != (new.background or "").split():
        changes.append(
            Change(
                "background",
                "edited",
                Where("topics", topic=index, field="background"),
                "background",
                old.background,
                new.background,
                word_edits(old.background or "", new.background or ""),
                title,
            )
        )
    changes += _diff_texts(
        old.points,
        new.points,
        "point",
        lambda i: Where("topics", topic=index, item=i, field="points"),
        lambda i: f"point {i + 1}",
        title,
    )
    changes += _diff_texts(
        old.if_raised,
        new.if_raised,
        "if-raised",
        lambda i: Where("topics", topic=index, item=i, field="if_raised"),
        lambda i: f"if raised {i + 1}",
        title,
    )
    return changes


def _ordinal(rank: int) -> str:
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def _member_line(attendee: Attendee) -> str:
    """``Minister of Foreign Affairs, 2nd in precedence``: the role and place of a member."""
    place = (
        "support staff" if attendee.member.support else f"{_ordinal(attendee.rank)} in precedence"
    )
    return f"{attendee.role}, {place}" if attendee.role else place


def _diff_delegations(
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
                    _ordinal(previous.rank),
                    _ordinal(attendee.rank),
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


def _diff_people(old: Iterable[PersonRecord], new: Iterable[PersonRecord]) -> list[Change]:
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
            old_value, new_value = _text(get(a)), _text(get(b))
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
