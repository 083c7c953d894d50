"""What the book shows of the changes since an earlier version: a page and change bars.

:func:`changes_since` compares a loaded meeting with the same meeting at a
git revision (through :mod:`briefgen.vcs.snapshot` and :mod:`briefgen.vcs.diff`);
:class:`ChangeSet` turns the change list into what the templates need: the
"Changes since …" page, grouped like ``briefgen diff``, and a predicate the
templates ask whether an item of the book carries a change bar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from briefgen.errors import BriefgenError
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.render.book import ChangeMarks
from briefgen.schema.records import MeetingRecord
from briefgen.vcs.changeset import Change
from briefgen.vcs.diff import diff_meetings
from briefgen.vcs.diffreport import SECTION_TITLES, by_context, grouped, revision_text


def book_mark(change: Change) -> tuple[Any, ...] | None:
    """The key the templates ask with for the item ``change`` concerns (None: no bar)."""
    where = change.where
    if change.subject in ("programme", "objective", "press"):
        return (change.subject, where.item)
    if change.subject in ("topic", "background"):
        return ("topic", where.topic)
    if change.subject in ("point", "if-raised"):
        return (change.subject, where.topic, where.item)
    if change.subject in ("member", "person", "photo"):
        return ("person", where.person)
    return None


@dataclass(frozen=True)
class ChangeSet:
    """The changes of one meeting since ``label`` (e.g. ``4dd8447 (2026-11-24)``)."""

    label: str
    changes: tuple[Change, ...]
    marks: frozenset[tuple[Any, ...]] = field(init=False)

    def __post_init__(self) -> None:
        marks = set()
        for change in self.changes:
            mark = book_mark(change)
            if mark is not None and change.action != "removed":
                marks.add(mark)
        object.__setattr__(self, "marks", frozenset(marks))

    def for_book(self) -> ChangeMarks:
        """What the book shows of these changes: the "Changes since" page and the change bars."""
        return ChangeMarks(self.page(), self.marks)

    def page(self) -> dict[str, Any]:
        """The "Changes since" page, grouped as ``briefgen diff`` groups it, marking first."""
        groups = grouped(self.changes)
        return {
            "label": self.label,
            "count": len(self.changes),
            "marking": [_entry(c) for section, run in groups if section == "marking" for c in run],
            "groups": [
                {
                    "section": section,
                    "title": SECTION_TITLES[section],
                    "runs": [
                        {"context": context, "entries": [_entry(c) for c in entries]}
                        for context, entries in by_context(run)
                    ],
                }
                for section, run in groups
                if section != "marking"
            ],
        }


#: Changes whose label is "<name>, <term>" (the item or person, then what of it changed).
_NAMED_TERMS = ("place", "precedence", "role")
#: Line lists whose items are labelled "<term> <number>".
_NUMBERED = {
    "objective": "Objective",
    "press": "Press line",
    "point": "point",
    "if-raised": "if raised",
}
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")


def _entry(change: Change) -> dict[str, Any]:
    """One line of the changes page as parts the template words in the book's language.

    ``name`` is text from the data (a title, a person); ``term`` is an English
    catalogue key for what changed ("role", "point"), ``number`` its position;
    ``kind`` picks the sentence: ``words`` (a word-level edit), ``text`` (a line
    added or removed), ``image``, ``position`` or ``values`` (was … now …).
    """
    name, term, number = _label_parts(change)
    before, after = (_plain_number(v) for v in (change.before, change.after))
    kind = "values"
    if change.action == "edited" and change.words:
        kind = "words"
    elif change.action in ("added", "removed"):
        kind = "text"
    elif change.action == "replaced":
        kind = "image"
    elif change.action == "moved" and change.subject in _NUMBERED:
        kind = "position"
    words = [{"op": w.op, "text": w.text} for w in change.words] if kind == "words" else []
    return {
        "action": change.action,
        "kind": kind,
        "name": name,
        "term": term,
        "number": number,
        "words": words,
        "before": before,
        "after": after,
    }


def _label_parts(change: Change) -> tuple[str, str, int | None]:
    """(name from the data, English term, number) that together make ``change.label``."""
    where = change.where
    if change.subject in _NUMBERED and where.item is not None:
        return "", _NUMBERED[change.subject], where.item + 1
    for term in _NAMED_TERMS:
        if change.label.endswith(f", {term}"):
            return change.label.removesuffix(f", {term}"), term, None
    if change.subject in ("meeting", "delegation", "person", "photo", "background"):
        return "", change.label, None
    return change.label, "", None


def _plain_number(value: str | None) -> str | None:
    """An English ordinal ("2nd") as its number, for books in any language."""
    match = _ORDINAL.match(value or "")
    return match.group(1) if match else value


def changes_since(
    record: MeetingRecord, revision: str, limits: Limits = DEFAULT_LIMITS
) -> ChangeSet:
    """The changes of ``record`` (as loaded now) since the same meeting at git ``revision``."""
    from briefgen.vcs.gitinfo import find_repository
    from briefgen.vcs.snapshot import meeting_at, meeting_path_at, open_revision

    repo = find_repository(record.folder)
    if repo is None:
        raise BriefgenError(
            f"{record.folder} is not in a git repository; --changes-since "
            "compares with a version committed to git"
        )
    old = open_revision(repo, revision)
    now = open_revision(repo, None)
    path = repo.relative(record.folder)
    before = meeting_path_at(repo, old, path, now)
    if before is None:
        raise BriefgenError(
            f"the meeting {record.id} does not exist at {revision_text(old)}; "
            f"choose a revision at which it exists (see: git log -- {path})"
        )
    with meeting_at(repo, old, before, limits) as earlier:
        return ChangeSet(revision_text(old), tuple(diff_meetings(earlier, record)))
