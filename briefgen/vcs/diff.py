"""What changed in a meeting between two versions, in the terms a reader of the book uses.

:func:`diff_meetings` compares two loaded meetings and returns a list of
:class:`~briefgen.vcs.changeset.Change` objects in book order (marking first).
Each change says what it concerns (the person id, topic index, point index …)
so the same list can drive a text report, a "Changes since" page and change
bars in the book.  Pure functions, no I/O except hashing photos.
"""

from __future__ import annotations

from briefgen.schema.models import Meeting, ProgrammeItem, Topic
from briefgen.schema.records import MeetingRecord
from briefgen.vcs.changeset import (
    SIMILAR,
    Change,
    Where,
    diff_texts,
    pair_lists,
    same_text,
    similarity,
    text_of,
    word_edits,
)
from briefgen.vcs.diffpeople import diff_delegations, diff_people


def diff_meetings(old: MeetingRecord, new: MeetingRecord) -> list[Change]:
    """Every change from ``old`` to ``new``, in book order with the marking first."""
    return [
        *_diff_marking(old.meeting, new.meeting),
        *_diff_meeting_fields(old.meeting, new.meeting),
        *_diff_programme(old.meeting.programme, new.meeting.programme),
        *diff_texts(
            old.meeting.objectives,
            new.meeting.objectives,
            "objective",
            lambda i: Where("objectives", item=i),
            lambda i: f"Objective {i + 1}",
        ),
        *_diff_topics(old.meeting.topics, new.meeting.topics),
        *diff_texts(
            old.meeting.press,
            new.meeting.press,
            "press",
            lambda i: Where("press", item=i),
            lambda i: f"Press line {i + 1}",
        ),
        *diff_delegations(old.delegations, new.delegations),
        *diff_people(old.people, new.people),
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
        before, after = text_of(getattr(old, name)), text_of(getattr(new, name))
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
    """Removed items, then changes to the items kept (in new order), then added items."""
    pairs, free_old, free_new = _pair_items(old, new)
    changes = [
        Change(
            "programme",
            "removed",
            Where("programme", item=i),
            old[i].title,
            before=_when_where(old[i]),
        )
        for i in free_old
    ]
    for i, j in sorted(pairs, key=lambda pair: pair[1]):
        changes += _item_changes(old[i], new[j], j)
    changes += [
        Change(
            "programme",
            "added",
            Where("programme", item=j),
            new[j].title,
            after=_when_where(new[j]),
        )
        for j in free_new
    ]
    order = {"removed": 0, "moved": 1, "edited": 1, "changed": 1, "added": 2}
    return sorted(changes, key=lambda c: (order[c.action], c.where.item or 0))


def _pair_items(
    old: list[ProgrammeItem], new: list[ProgrammeItem]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Items are the same item when their titles match, or failing that their times, or
    failing that their titles are similar; returns the pairs and the unpaired on each side."""
    pairs: list[tuple[int, int]] = []
    free_old, free_new = list(range(len(old))), list(range(len(new)))
    for same in (
        lambda a, b: same_text(a.title, b.title),
        lambda a, b: a.time == b.time,
        lambda a, b: similarity(a.title, b.title) >= SIMILAR,
    ):
        for i in list(free_old):
            j = next((j for j in free_new if same(old[i], new[j])), None)
            if j is not None:
                pairs.append((i, j))
                free_old.remove(i)
                free_new.remove(j)
    return pairs, free_old, free_new


def _item_changes(a: ProgrammeItem, b: ProgrammeItem, index: int) -> list[Change]:
    """A kept item moved in time, retitled, or moved to another place."""
    changes: list[Change] = []
    if _slot(a) != _slot(b):
        where = Where("programme", item=index)
        changes.append(Change("programme", "moved", where, b.title, _slot(a), _slot(b)))
    if not same_text(a.title, b.title):
        where = Where("programme", item=index, field="title")
        edits = word_edits(a.title, b.title)
        changes.append(Change("programme", "edited", where, b.title, a.title, b.title, edits))
    if a.place != b.place:
        where = Where("programme", item=index, field="place")
        changes.append(Change("programme", "changed", where, f"{b.title}, place", a.place, b.place))
    return changes


def _diff_topics(old: list[Topic], new: list[Topic]) -> list[Change]:
    titles_old = [t.title for t in old]
    titles_new = [t.title for t in new]
    changes: list[Change] = []
    for i, j in pair_lists(titles_old, titles_new):
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
    if not same_text(old.title, new.title):
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
    changes += diff_texts(
        old.points,
        new.points,
        "point",
        lambda i: Where("topics", topic=index, item=i, field="points"),
        lambda i: f"point {i + 1}",
        title,
    )
    changes += diff_texts(
        old.if_raised,
        new.if_raised,
        "if-raised",
        lambda i: Where("topics", topic=index, item=i, field="if_raised"),
        lambda i: f"if raised {i + 1}",
        title,
    )
    return changes
