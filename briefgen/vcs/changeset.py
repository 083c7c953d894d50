"""The vocabulary of a semantic diff: :class:`Change`, :class:`Where`, word-level edits,
and the pairing of two lists of lines into kept, edited, added and removed lines.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

from briefgen.schema.models import Entry

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


def same_text(a: str, b: str) -> bool:
    return a.split() == b.split()


def pair_lists(old: Sequence[str], new: Sequence[str]) -> list[tuple[int | None, int | None]]:
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


def diff_texts(
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
    pairs = pair_lists(old, new)
    removed = [i for i, j in pairs if j is None and i is not None]
    added = [j for i, j in pairs if i is None and j is not None]
    moved: dict[int, int] = {}
    for gone in removed:
        twin = next(
            (j for j in added if same_text(old[gone], new[j]) and j not in moved.values()), None
        )
        if twin is not None:
            moved[gone] = twin
    changes: list[Change] = []
    for i, j in pairs:
        if i is not None and j is not None:
            if not same_text(old[i], new[j]):
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


def text_of(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or None
    return str(value)
