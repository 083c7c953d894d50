"""Editions: which items a book includes for some audiences, and the marking it must carry.

Everything here is pure: a :class:`~briefgen.schema.models.Meeting` and a set of
audiences go in, a new Meeting with only the included items comes out, its
list lines reduced to plain Markdown so that templates never see an
audience or an item marking.  Filtering happens on the data, before
rendering, so no template decides what a reader may see.

Markings are ranked within a scheme.  With ``markings:`` in briefgen.yaml
that list is the one scheme, lowest first.  Without it, the built-in schemes
below are used, and two markings can be compared only when one scheme holds
both (OFFICIAL < SECRET is a UK comparison; OFFICIAL against CONFIDENTIAL
has no answer and is reported).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from briefgen.errors import Problem
from briefgen.schema.models import Edition, Entry, Meeting, ProjectConfig
from briefgen.schema.yamlread import DataPath, YamlDocument

#: Built-in marking schemes, each lowest first (used when briefgen.yaml lists no markings).
DEFAULT_SCHEMES: tuple[tuple[str, ...], ...] = (
    ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"),
    ("UNCLASSIFIED", "CUI", "CONFIDENTIAL", "SECRET", "TOP SECRET"),
    (
        "NATO UNCLASSIFIED",
        "NATO RESTRICTED",
        "NATO CONFIDENTIAL",
        "NATO SECRET",
        "COSMIC TOP SECRET",
    ),
    (
        "RESTREINT UE/EU RESTRICTED",
        "CONFIDENTIEL UE/EU CONFIDENTIAL",
        "SECRET UE/EU SECRET",
        "TRÈS SECRET UE/EU TOP SECRET",
    ),
    ("PUBLIC", "INTERNAL", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET"),
)


def schemes_for(config: ProjectConfig) -> tuple[tuple[str, ...], ...]:
    """The marking schemes in force: the configured list, or the built-in schemes."""
    if config.markings:
        return (tuple(m.upper() for m in config.markings),)
    return DEFAULT_SCHEMES


def compare_markings(a: str, b: str, schemes: Sequence[Sequence[str]]) -> int | None:
    """-1, 0 or 1 as ``a`` is lower than, equal to or higher than ``b``; None if not comparable."""
    a, b = a.upper(), b.upper()
    if a == b:
        return 0
    for scheme in schemes:
        if a in scheme and b in scheme:
            rank_a, rank_b = scheme.index(a), scheme.index(b)
            return (rank_a > rank_b) - (rank_a < rank_b)
    return None


def highest_marking(base: str, others: Iterable[str], schemes: Sequence[Sequence[str]]) -> str:
    """The book's marking: ``base``, raised to any higher marking among ``others``.

    The marking keeps the case it was written in: the book sets it in capitals
    by the rules of its language (Turkish ``gizli`` → ``GİZLİ``).
    """
    result = base
    for marking in others:
        if compare_markings(marking, result, schemes) == 1:
            result = marking
    return result


@dataclass(frozen=True)
class MarkedItem:
    """An item of a meeting that carries an audience or a marking, with where it is."""

    path: DataPath
    label: str
    audience: tuple[str, ...]
    marking: str | None


def _line_label(kind: str, text: str) -> str:
    short = " ".join(text.split())
    return f"{kind} '{short[:40]}…'" if len(short) > 40 else f"{kind} '{short}'"


def marked_items(meeting: Meeting) -> Iterator[MarkedItem]:
    """Every topic, programme item and list line, with its audience and marking."""

    def lines(prefix: DataPath, kind: str, values: Sequence[str | Entry]) -> Iterator[MarkedItem]:
        for index, value in enumerate(values):
            if isinstance(value, Entry):
                yield MarkedItem(
                    (*prefix, index),
                    _line_label(kind, value.text),
                    tuple(value.audience),
                    value.marking,
                )

    yield from lines(("objectives",), "objective", meeting.objectives)
    for index, item in enumerate(meeting.programme):
        label = f"programme item '{item.title}'"
        yield MarkedItem(("programme", index), label, tuple(item.audience), item.marking)
    for index, topic in enumerate(meeting.topics):
        where: DataPath = ("topics", index)
        yield MarkedItem(where, f"topic '{topic.title}'", tuple(topic.audience), topic.marking)
        yield from lines((*where, "points"), "point", topic.points)
        yield from lines((*where, "if_raised"), "line", topic.if_raised)
    yield from lines(("press",), "press line", meeting.press)


def is_included(audience: Sequence[str], audiences: frozenset[str] | None) -> bool:
    """An item is in a book when it has no audience or shares one with the edition."""
    return audiences is None or not audience or not audiences.isdisjoint(audience)


def _keep_lines(values: Sequence[str | Entry], audiences: frozenset[str] | None) -> list[str]:
    kept = []
    for value in values:
        if isinstance(value, Entry):
            if is_included(value.audience, audiences):
                kept.append(value.text)
        else:
            kept.append(value)
    return kept


def select(meeting: Meeting, audiences: frozenset[str] | None, marking: str) -> Meeting:
    """The meeting as the edition for ``audiences`` sees it (None: everything), marked ``marking``.

    List lines become plain Markdown; programme items and topics keep their
    fields but only those included remain.  The result is a new Meeting; the
    input is not changed.
    """
    topics = [
        topic.model_copy(
            update={
                "points": _keep_lines(topic.points, audiences),
                "if_raised": _keep_lines(topic.if_raised, audiences),
            }
        )
        for topic in meeting.topics
        if is_included(topic.audience, audiences)
    ]
    update: dict[str, Any] = {
        "marking": marking,
        "objectives": _keep_lines(meeting.objectives, audiences),
        "programme": [p for p in meeting.programme if is_included(p.audience, audiences)],
        "topics": topics,
        "press": _keep_lines(meeting.press, audiences),
    }
    return meeting.model_copy(update=update)


def included_markings(meeting: Meeting, audiences: frozenset[str] | None) -> list[MarkedItem]:
    """The marked items a book for ``audiences`` includes (lines of excluded topics are out)."""
    excluded_topics = {
        index
        for index, topic in enumerate(meeting.topics)
        if not is_included(topic.audience, audiences)
    }
    found = []
    for item in marked_items(meeting):
        if item.path[0] == "topics" and item.path[1] in excluded_topics:
            continue
        if item.marking is not None and is_included(item.audience, audiences):
            found.append(item)
    return found


def book_marking(meeting: Meeting, edition: Edition | None, config: ProjectConfig) -> str:
    """The computed marking of a book: its stated marking, raised to its highest item's."""
    audiences = frozenset(edition.audiences) if edition else None
    base = edition.marking if edition and edition.marking else meeting.marking
    items = included_markings(meeting, audiences)
    return highest_marking(base, (i.marking for i in items if i.marking), schemes_for(config))


def edition_named(config: ProjectConfig, name: str) -> Edition | None:
    return next((e for e in config.editions if e.name == name), None)


def check_meeting(meeting: Meeting, document: YamlDocument, config: ProjectConfig) -> list[Problem]:
    """Unknown audiences (BG317), and books marked lower than their content (BG318, BG319)."""
    problems: list[Problem] = []
    known = {a for e in config.editions for a in e.audiences}
    for item in marked_items(meeting):
        for index, audience in enumerate(item.audience):
            if audience not in known:
                hint = (
                    f"use one of: {', '.join(sorted(known))}"
                    if known
                    else "define editions with their audiences under 'editions' in briefgen.yaml"
                )
                problems.append(
                    document.problem(
                        (*item.path, "audience", index),
                        "BG317",
                        f"audience '{audience}' of {item.label} is not an audience of any edition",
                        hint,
                    )
                )
    schemes = schemes_for(config)
    books: list[tuple[str, str, frozenset[str] | None]] = [
        ("the book", meeting.marking, None),
        *(
            (f"edition '{e.name}'", e.marking or meeting.marking, frozenset(e.audiences))
            for e in config.editions
        ),
    ]
    reported: set[tuple[DataPath, str]] = set()
    for book, marking, audiences in books:
        for item in included_markings(meeting, audiences):
            assert item.marking is not None
            order = compare_markings(item.marking, marking, schemes)
            if order == 1:
                code, message, hint = (
                    "BG318",
                    f"{item.label} is marked {item.marking.upper()}, higher than "
                    f"{book}'s marking {marking.upper()}",
                    "raise the book's marking (meeting.yaml 'marking', or the edition's "
                    "'marking' in briefgen.yaml), or restrict the item with 'audience'",
                )
            elif order is None:
                code, message, hint = (
                    "BG319",
                    f"cannot tell whether the marking {item.marking.upper()} of {item.label} "
                    f"is higher than {book}'s marking {marking.upper()}",
                    "use markings of one scheme, or list your markings lowest first under "
                    "'markings' in briefgen.yaml",
                )
            else:
                continue
            if (item.path, code) in reported:
                continue
            reported.add((item.path, code))
            problems.append(document.problem((*item.path, "marking"), code, message, hint))
    return problems


def check_config(config: ProjectConfig, document: YamlDocument) -> list[Problem]:
    """Editions with the same name (BG322)."""
    problems = []
    seen: set[str] = set()
    for index, edition in enumerate(config.editions):
        if edition.name in seen:
            problems.append(
                document.problem(
                    ("editions", index, "name"),
                    "BG322",
                    f"edition '{edition.name}' is defined twice",
                    "give each edition its own name",
                )
            )
        seen.add(edition.name)
    return problems
