"""One meeting folder: the meeting, its delegations and their members, cross-referenced."""

from __future__ import annotations

import re
from pathlib import Path

from briefgen.errors import Problem
from briefgen.project.assets import check_attachments
from briefgen.project.config import MEETING_FILE
from briefgen.project.reader import Reader, ignored_yml, suggest
from briefgen.protocol.editions import check_meeting
from briefgen.protocol.forms import order_by_precedence
from briefgen.protocol.seating import check_seating
from briefgen.protocol.summit import order_delegations
from briefgen.schema.fields import ID_PATTERN
from briefgen.schema.models import Delegation, Meeting, Member, ProjectConfig
from briefgen.schema.records import (
    Attendee,
    DelegationRecord,
    MeetingRecord,
    PersonRecord,
)
from briefgen.schema.validate import validate_document
from briefgen.schema.yamlread import YamlDocument

ID_RE = re.compile(ID_PATTERN)


def load_meeting(
    folder: Path,
    people: dict[str, PersonRecord | None],
    reader: Reader,
    used: set[str],
    config: ProjectConfig,
) -> MeetingRecord | None:
    """One meeting folder → its record, or ``None`` with the problems added to ``reader``."""
    source = folder / MEETING_FILE
    if not ID_RE.match(folder.name):
        reader.problems.append(
            Problem(
                source,
                1,
                1,
                f"'{folder.name}' is not a valid meeting id",
                "rename the folder using lowercase letters, digits and '-', e.g. 2017-09-28-ankara",
                "BG306",
            )
        )
    document = reader.read(source)
    meeting = _validated_meeting(document, reader, config) if document else None
    if meeting is None or document is None:
        return None
    before = len(reader.problems)
    if len(meeting.programme) > reader.limits.programme_items:
        reader.problems.append(
            document.problem(
                ("programme",),
                "BG217",
                f"the programme has {len(meeting.programme):,} items, more than the limit "
                f"of {reader.limits.programme_items:,}",
                "split the meeting, or raise it with --limit programme_items=N if this is right",
            )
        )
        return None
    reader.problems.extend(check_times(meeting, document))
    reader.problems.extend(check_meeting(meeting, document, config))
    attachments = check_attachments(folder, meeting, document, reader)
    reader.problems.extend(_check_listing(folder, meeting, document))
    delegations = _load_delegations(folder, meeting, document, people, reader, used)
    errors_now = [p for p in reader.problems[before:] if p.severity == "error"]
    if errors_now or len(delegations) != len(set(meeting.delegations)):
        return None
    delegations = order_delegations(meeting, delegations)
    loaded = MeetingRecord(
        folder.name, folder, source, meeting, tuple(delegations), document, attachments
    )
    seating_problems = check_seating(loaded)
    reader.problems.extend(seating_problems)
    return None if seating_problems else loaded


def _validated_meeting(
    document: YamlDocument, reader: Reader, config: ProjectConfig
) -> Meeting | None:
    """The meeting model, with briefgen.yaml's default for where interpreters sit."""
    meeting, errors = validate_document(document, Meeting)
    reader.problems.extend(errors)
    if meeting is None or meeting.seating.interpreters is not None:
        return meeting
    seating = meeting.seating.model_copy(update={"interpreters": config.interpreters or "behind"})
    return meeting.model_copy(update={"seating": seating})


def _check_listing(folder: Path, meeting: Meeting, document: YamlDocument) -> list[Problem]:
    """Delegations listed twice, a host or perspective not listed, files not listed."""
    problems: list[Problem] = []
    listed = meeting.delegations
    seen: set[str] = set()
    for index, delegation_id in enumerate(listed):
        if delegation_id in seen:
            problems.append(
                document.problem(
                    ("delegations", index),
                    "BG305",
                    f"delegation '{delegation_id}' is listed twice",
                    "remove the second mention",
                )
            )
        seen.add(delegation_id)
    references = {"host": meeting.host, "perspective": meeting.perspective}
    references |= {"chair": meeting.chair, "order.start": meeting.order.start}
    for key, value in references.items():
        if value is not None and value not in listed:
            problems.append(
                document.problem(
                    tuple(key.split(".")),
                    "BG304",
                    f"{key} '{value}' is not one of the delegations",
                    suggest(value, listed) or f"use one of: {', '.join(listed)}",
                )
            )
    for extra in sorted({p.stem for p in folder.glob("*.yaml")} - {"meeting", *listed}):
        problems.append(
            Problem(
                folder / f"{extra}.yaml",
                1,
                1,
                "this file is not listed under 'delegations' in meeting.yaml and is ignored",
                "add it to the list or delete it",
                "BG401",
            )
        )
    return problems + [ignored_yml(path) for path in sorted(folder.glob("*.yml"))]


def _load_delegations(
    folder: Path,
    meeting: Meeting,
    document: YamlDocument,
    people: dict[str, PersonRecord | None],
    reader: Reader,
    used: set[str],
) -> list[DelegationRecord]:
    """Each listed delegation's file, loaded; a missing file and too many people are problems."""
    listed = meeting.delegations
    delegations: list[DelegationRecord] = []
    placed: dict[str, str] = {}
    for delegation_id in dict.fromkeys(listed):
        path = folder / f"{delegation_id}.yaml"
        if not path.exists() and not path.is_symlink():
            available = [p.stem for p in folder.glob("*.yaml") if p.stem != "meeting"]
            reader.problems.append(
                document.problem(
                    ("delegations", listed.index(delegation_id)),
                    "BG303",
                    f"delegation '{delegation_id}' has no file {delegation_id}.yaml in this folder",
                    suggest(delegation_id, available) or f"create {delegation_id}.yaml",
                )
            )
            continue
        record = load_delegation(path, meeting.host == delegation_id, people, reader, placed, used)
        if record is not None:
            delegations.append(record)
    count = sum(len(d.members) + len(d.support) for d in delegations)
    if count > reader.limits.people_per_meeting:
        reader.problems.append(
            document.problem(
                ("delegations",),
                "BG312",
                f"the meeting has {count:,} people, more than the limit "
                f"of {reader.limits.people_per_meeting:,}",
                "raise the limit with --limit people_per_meeting=N if this is right",
            )
        )
    return delegations


def check_times(meeting: Meeting, document: YamlDocument) -> list[Problem]:
    problems = []
    if meeting.start and meeting.end and meeting.end <= meeting.start:
        problems.append(
            document.problem(
                ("end",),
                "BG311",
                f"end {meeting.end:%H:%M} is not after start {meeting.start:%H:%M}",
                "check both times (24-hour clock)",
            )
        )
    for index, item in enumerate(meeting.programme):
        if item.end is not None and item.end <= item.time:
            problems.append(
                document.problem(
                    ("programme", index, "end"),
                    "BG311",
                    f"end {item.end:%H:%M} is not after the item's time {item.time:%H:%M}",
                    "check both times (24-hour clock)",
                )
            )
    return problems


def load_delegation(
    path: Path,
    is_host: bool,
    people: dict[str, PersonRecord | None],
    reader: Reader,
    placed: dict[str, str],
    used: set[str],
) -> DelegationRecord | None:
    """One delegation file → its record with members in precedence order, or ``None``."""
    document = reader.read(path)
    if document is None:
        return None
    delegation, errors = validate_document(document, Delegation)
    reader.problems.extend(errors)
    members_ok = _check_members(document, path.stem, people, reader, placed, used)
    if not members_ok or delegation is None:
        return None
    resolved: list[tuple[int, Member, PersonRecord]] = []
    for index, member in enumerate(delegation.members):
        record = people[member.person]
        assert record is not None
        resolved.append((index, member, record))
    seated = [entry for entry in resolved if not entry[1].support]
    support = [entry for entry in resolved if entry[1].support]
    order = order_by_precedence([m.precedence for _, m, _ in seated])
    members = tuple(
        Attendee(seated[i][2], seated[i][1], rank, seated[i][0])
        for rank, i in enumerate(order, start=1)
    )
    staff = tuple(
        Attendee(r, m, len(members) + n, i) for n, (i, m, r) in enumerate(support, start=1)
    )
    return DelegationRecord(path.stem, path, delegation, members, staff, is_host, document)


def _check_members(
    document: YamlDocument,
    delegation_id: str,
    people: dict[str, PersonRecord | None],
    reader: Reader,
    placed: dict[str, str],
    used: set[str],
) -> bool:
    """Each member names a known, valid person not already in another delegation.

    Read from the raw data, so the references are checked even when the
    delegation file has other errors.
    """
    raw_members = document.data.get("members") if isinstance(document.data, dict) else None
    ok = True
    for index, raw in enumerate(raw_members if isinstance(raw_members, list) else []):
        person_id = raw.get("person") if isinstance(raw, dict) else None
        if not isinstance(person_id, str) or not ID_RE.match(person_id):
            continue
        where = ("members", index, "person")
        used.add(person_id)
        if person_id in placed:
            message = f"'{person_id}' is already a member of {placed[person_id]}"
            reader.problems.append(
                document.problem(where, "BG302", message, "list each person once per meeting")
            )
            ok = False
            continue
        placed[person_id] = f"delegation '{delegation_id}'"
        if person_id not in people:
            message = f"unknown person '{person_id}': there is no people/{person_id}.yaml"
            reader.problems.append(
                document.problem(where, "BG301", message, suggest(person_id, people))
            )
            ok = False
        elif people[person_id] is None:
            ok = False
    return ok
