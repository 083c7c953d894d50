"""Print a meeting's change list as text, Markdown (e.g. a pull-request comment) or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from briefgen.vcs.changeset import Change, Section, WordEdit
from briefgen.vcs.snapshot import Revision

DiffFormat = Literal["text", "markdown", "json"]

#: Unchanged runs longer than this many words are shortened to their ends.
CONTEXT_WORDS = 6

SECTION_TITLES: dict[Section, str] = {
    "marking": "Marking",
    "meeting": "Meeting",
    "programme": "Programme",
    "objectives": "Objectives",
    "topics": "Topics",
    "press": "Press lines",
    "delegations": "Delegations",
    "people": "People",
}


@dataclass(frozen=True)
class MeetingChanges:
    """The changes of one meeting between two revisions (``note`` when it exists on one side)."""

    meeting: str
    changes: tuple[Change, ...]
    note: str | None = None


def revision_text(revision: Revision) -> str:
    if revision.commit is None or revision.date is None:
        return "the working tree"
    day = revision.date.date().isoformat()
    if revision.name in (revision.short, revision.commit):
        return f"{revision.short} ({day})"
    return f"{revision.name} ({revision.short}, {day})"


def _shorten(words: str, *, first: bool, last: bool) -> str:
    parts = words.split()
    if len(parts) <= 2 * CONTEXT_WORDS:
        return words
    head = [] if first else parts[:CONTEXT_WORDS]
    tail = [] if last else parts[-CONTEXT_WORDS:]
    return " ".join([*head, "…", *tail])


def inline_words(
    edits: Sequence[WordEdit], style: Literal["text", "markdown"], *, shorten: bool = True
) -> str:
    """``[-old-] {+new+}`` (git's --word-diff style) or ``~~old~~ **new**``."""
    out = []
    for index, edit in enumerate(edits):
        if edit.op == "equal":
            text = edit.text
            if shorten:
                text = _shorten(text, first=index == 0, last=index == len(edits) - 1)
            out.append(escape_markdown(text) if style == "markdown" else text)
        elif style == "markdown":
            mark = "~~" if edit.op == "delete" else "**"
            out.append(f"{mark}{escape_markdown(edit.text)}{mark}")
        else:
            out.append(f"[-{edit.text}-]" if edit.op == "delete" else f"{{+{edit.text}+}}")
    return " ".join(out)


def escape_markdown(text: str) -> str:
    for char in "\\`*_[]<>~#|":
        text = text.replace(char, "\\" + char)
    return text


def _one_line(text: str | None) -> str:
    return " ".join(text.split()) if text else "none"


def describe(change: Change, style: Literal["text", "markdown"] = "text") -> str:
    """One line saying what changed, without the +/-/~ mark."""
    esc = escape_markdown if style == "markdown" else (lambda s: s)
    label = esc(change.label)
    if change.action == "edited" and change.words:
        return f"{label}: {inline_words(change.words, style)}"
    if change.action == "added":
        return f"{label}: {esc(_one_line(change.after))}" if change.after else label
    if change.action == "removed":
        return f"{label}: {esc(_one_line(change.before))}" if change.before else label
    if change.action == "replaced":
        return f"{label}: replaced by a different image"
    if change.action == "moved" and change.subject in ("objective", "point", "if-raised", "press"):
        return f"{label}: moved here from position {change.before}"
    return f"{label}: {esc(_one_line(change.before))} → {esc(_one_line(change.after))}"


def _mark(change: Change) -> str:
    return {"added": "+", "removed": "-"}.get(change.action, "~")


def grouped(changes: Sequence[Change]) -> list[tuple[Section, list[Change]]]:
    groups: dict[Section, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.where.section, []).append(change)
    return [(s, groups[s]) for s in SECTION_TITLES if s in groups]


def by_context(changes: Sequence[Change]) -> list[tuple[str | None, list[Change]]]:
    """Consecutive changes with the same context (topic, delegation, person) under one heading."""
    runs: list[tuple[str | None, list[Change]]] = []
    for change in changes:
        if runs and runs[-1][0] == change.context:
            runs[-1][1].append(change)
        else:
            runs.append((change.context, [change]))
    return runs


def _count(n: int) -> str:
    return "No changes." if n == 0 else f"{n} change{'s' if n != 1 else ''}."


@dataclass(frozen=True)
class _Style:
    """How one report format writes each part; the structure is the same for all."""

    heading: Callable[[str], str]
    note: Callable[[str], str]
    marking: Callable[[Change], str]
    section: Callable[[str], list[str]]
    context: Callable[[str], str]
    #: Indent of a change line without and with a context line above it.
    indents: tuple[str, str]
    item: Callable[[Change], str]


_TEXT = _Style(
    heading=lambda meeting: f"Changes in {meeting}",
    note=lambda note: note,
    marking=lambda c: f"!! {c.label.upper()} CHANGED: {_one_line(c.before)} → {_one_line(c.after)}",
    section=lambda title: [title],
    context=lambda context: f"  {context}",
    indents=("  ", "    "),
    item=lambda c: f"{_mark(c)} {describe(c)}",
)
_MARKDOWN = _Style(
    heading=lambda meeting: f"## Changes in {escape_markdown(meeting)}",
    note=escape_markdown,
    marking=lambda c: (
        f"> **{c.label} changed: {escape_markdown(_one_line(c.before))}"
        f" → {escape_markdown(_one_line(c.after))}**"
    ),
    section=lambda title: [f"### {title}", ""],
    context=lambda context: f"- {escape_markdown(context)}",
    indents=("", "  "),
    item=lambda c: f"- *{c.action}* {describe(c, 'markdown')}",
)


def _format(results: Sequence[MeetingChanges], old: Revision, new: Revision, style: _Style) -> str:
    lines: list[str] = []
    span = f"from {revision_text(old)} to {revision_text(new)}"
    for result in results:
        lines += [""] if lines else []
        lines.append(f"{style.heading(result.meeting)} {span}")
        if result.note:
            lines += ["", style.note(result.note)]
            continue
        for section, changes in grouped(result.changes):
            lines.append("")
            if section == "marking":
                lines += [style.marking(change) for change in changes]
                continue
            lines += style.section(SECTION_TITLES[section])
            for context, run in by_context(changes):
                if context is not None:
                    lines.append(style.context(context))
                indent = style.indents[context is not None]
                lines += [indent + style.item(c) for c in run]
        lines += ["", _count(len(result.changes))]
    return "\n".join(lines) + "\n"


def format_text(results: Sequence[MeetingChanges], old: Revision, new: Revision) -> str:
    return _format(results, old, new, _TEXT)


def format_markdown(results: Sequence[MeetingChanges], old: Revision, new: Revision) -> str:
    return _format(results, old, new, _MARKDOWN)


def _revision_json(revision: Revision) -> dict[str, Any]:
    return {
        "revision": revision.name,
        "commit": revision.commit,
        "short": revision.short,
        "date": revision.date.isoformat() if revision.date else None,
    }


def change_json(change: Change) -> dict[str, Any]:
    data = asdict(change)
    data["where"] = {k: v for k, v in data["where"].items() if v is not None}
    return {"kind": change.kind, **data}


def format_json(results: Sequence[MeetingChanges], old: Revision, new: Revision) -> str:
    document = {
        "from": _revision_json(old),
        "to": _revision_json(new),
        "meetings": [
            {
                "meeting": result.meeting,
                "note": result.note,
                "changes": [change_json(c) for c in result.changes],
            }
            for result in results
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def format_changes(
    results: Sequence[MeetingChanges], old: Revision, new: Revision, fmt: DiffFormat
) -> str:
    formatter = {"text": format_text, "markdown": format_markdown, "json": format_json}[fmt]
    return formatter(results, old, new)
