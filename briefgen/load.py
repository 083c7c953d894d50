"""A ``delegations/`` folder → validated, cross-referenced meetings, or all problems at once.

This stage reads files and resolves references (people, delegations, the
host); it never renders anything.  Every problem found in a run is collected
and raised together in one :class:`ValidationFailed`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BriefgenError, Problem, ValidationFailed, sort_problems
from .model import ID_PATTERN, Delegation, Meeting, Member, Person
from .protocol import order_by_precedence
from .validate import validate_document
from .yamlread import YamlDocument, YamlReadError, read_yaml

PEOPLE_DIR = "people"
MEETING_FILE = "meeting.yaml"
_ID_RE = re.compile(ID_PATTERN)


@dataclass(frozen=True)
class PersonRecord:
    """A validated person with its id and where it came from."""

    id: str
    source: Path
    person: Person
    photo: Path | None


@dataclass(frozen=True)
class Attendee:
    """A member of a delegation resolved to the person, with rank at this meeting."""

    record: PersonRecord
    member: Member
    rank: int

    @property
    def role(self) -> str | None:
        return self.member.role or self.record.person.office


@dataclass(frozen=True)
class DelegationRecord:
    """A validated delegation; ``members`` in precedence order, support staff apart."""

    id: str
    source: Path
    delegation: Delegation
    members: tuple[Attendee, ...]
    support: tuple[Attendee, ...]
    is_host: bool


@dataclass(frozen=True)
class MeetingRecord:
    """A meeting ready to render: delegations host first, all references resolved."""

    id: str
    folder: Path
    source: Path
    meeting: Meeting
    delegations: tuple[DelegationRecord, ...]

    @property
    def people(self) -> list[PersonRecord]:
        """Everyone attending, side by side in the order of the delegations."""
        return [a.record for d in self.delegations for a in (*d.members, *d.support)]

    def input_files(self) -> list[Path]:
        """Every file this meeting's book is made from."""
        files = [self.source, *(d.source for d in self.delegations)]
        for person in self.people:
            files.append(person.source)
            if person.photo:
                files.append(person.photo)
        return files


@dataclass
class Project:
    """Everything loaded from one data root (the folder holding ``people/``)."""

    root: Path
    people: dict[str, PersonRecord]
    meetings: list[MeetingRecord]
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class _Collector:
    problems: list[Problem] = field(default_factory=list)

    def read(self, path: Path) -> YamlDocument | None:
        try:
            return read_yaml(path)
        except YamlReadError as exc:
            self.problems.extend(exc.problems)
        except OSError as exc:
            self.problems.append(Problem(path, 0, 0, f"cannot read the file: {exc.strerror}"))
        return None


def find_root(path: Path) -> tuple[Path, list[Path] | None]:
    """Classify ``path`` as a data root (``None``: all meetings) or a meeting folder.

    Raises :class:`BriefgenError` when it is neither.
    """
    if (path / MEETING_FILE).is_file():
        return path.parent, [path]
    if (path / PEOPLE_DIR).is_dir() or any(path.glob(f"*/{MEETING_FILE}")):
        return path, None
    raise BriefgenError(
        f"{path}: not a delegations folder (no '{PEOPLE_DIR}/' or meeting folders) and not "
        f"a meeting folder (no '{MEETING_FILE}')"
    )


def meeting_folders(root: Path) -> list[Path]:
    """Every meeting folder directly below ``root``, sorted by name."""
    return sorted(p.parent for p in root.glob(f"*/{MEETING_FILE}"))


def load_project(
    root: Path, meetings: Sequence[Path] | None = None, *, all_people: bool = True
) -> Project:
    """Load and validate a data root.

    ``meetings`` restricts the meetings loaded (default: all below ``root``);
    with ``all_people`` false only the people those meetings use are
    validated, so an unrelated broken person file does not block a build.
    Raises :class:`ValidationFailed` listing every problem found.
    """
    collector = _Collector()
    people, people_problems = _load_people(root / PEOPLE_DIR)
    folders = list(meetings) if meetings is not None else meeting_folders(root)
    records: list[MeetingRecord] = []
    warnings: list[Problem] = []
    used: set[str] = set()
    for folder in folders:
        record = _load_meeting(folder, people, collector, warnings, used)
        if record is not None:
            records.append(record)
    for person_id, problems in people_problems.items():
        if all_people or person_id in used:
            collector.problems.extend(problems)
    if collector.problems:
        raise ValidationFailed(collector.problems)
    return Project(
        root=root,
        people={k: v for k, v in people.items() if v is not None},
        meetings=records,
        warnings=sort_problems(warnings),
    )


def _load_people(folder: Path) -> tuple[dict[str, PersonRecord | None], dict[str, list[Problem]]]:
    """Validate every person file; ``None`` marks a person whose file is invalid."""
    people: dict[str, PersonRecord | None] = {}
    problems: dict[str, list[Problem]] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        person_id = path.stem
        own = _Collector()
        if not _ID_RE.match(person_id):
            own.problems.append(
                Problem(
                    path,
                    0,
                    0,
                    f"'{person_id}' is not a valid person id",
                    "rename the file using lowercase letters, digits and '-'",
                )
            )
        document = own.read(path)
        person = None
        if document is not None:
            person, errors = validate_document(document, Person)
            own.problems.extend(errors)
        photo = None
        if person is not None and person.photo is not None and document is not None:
            photo = _check_photo(folder, person.photo, document, own.problems)
        people[person_id] = (
            PersonRecord(person_id, path, person, photo)
            if person is not None and not own.problems
            else None
        )
        problems[person_id] = own.problems
    return people, problems


def _check_photo(
    folder: Path, photo: str, document: YamlDocument, problems: list[Problem]
) -> Path | None:
    where = ("photo",)
    if Path(photo).is_absolute():
        problems.append(
            document.problem(
                where, f"photo path '{photo}' is absolute", "give it relative to the people/ folder"
            )
        )
        return None
    base = folder.resolve()
    target = (folder / photo).resolve()
    if not target.is_relative_to(base):
        problems.append(
            document.problem(
                where,
                f"photo '{photo}' is outside the people/ folder",
                "keep photos under people/, e.g. people/photos/",
            )
        )
        return None
    if not target.is_file():
        problems.append(
            document.problem(
                where,
                f"photo '{photo}' does not exist",
                "check the path, relative to the people/ folder",
            )
        )
        return None
    return target


def _load_meeting(
    folder: Path,
    people: dict[str, PersonRecord | None],
    collector: _Collector,
    warnings: list[Problem],
    used: set[str],
) -> MeetingRecord | None:
    source = folder / MEETING_FILE
    meeting_id = folder.name
    if not _ID_RE.match(meeting_id):
        collector.problems.append(
            Problem(
                source,
                0,
                0,
                f"'{meeting_id}' is not a valid meeting id",
                "rename the folder using lowercase letters, digits and '-', e.g. 2017-09-28-ankara",
            )
        )
    document = collector.read(source)
    if document is None:
        return None
    meeting, errors = validate_document(document, Meeting)
    collector.problems.extend(errors)
    if meeting is None:
        return None
    before = len(collector.problems)

    listed = meeting.delegations
    seen: set[str] = set()
    for index, delegation_id in enumerate(listed):
        if delegation_id in seen:
            collector.problems.append(
                document.problem(
                    ("delegations", index), f"delegation '{delegation_id}' is listed twice"
                )
            )
        seen.add(delegation_id)
    for key in ("host", "perspective"):
        value = getattr(meeting, key)
        if value is not None and value not in listed:
            collector.problems.append(
                document.problem(
                    (key,),
                    f"{key} '{value}' is not one of the delegations",
                    _suggest(value, listed),
                )
            )
    for extra in sorted(set(p.stem for p in folder.glob("*.yaml")) - {"meeting", *listed}):
        warnings.append(
            Problem(
                folder / f"{extra}.yaml",
                0,
                0,
                "this file is not listed under 'delegations' in meeting.yaml and is ignored",
                "add it to the list or delete it",
                severity="warning",
            )
        )

    delegations: list[DelegationRecord] = []
    placed: dict[str, str] = {}
    for delegation_id in dict.fromkeys(listed):
        path = folder / f"{delegation_id}.yaml"
        if not path.is_file():
            available = [p.stem for p in folder.glob("*.yaml") if p.stem != "meeting"]
            collector.problems.append(
                document.problem(
                    ("delegations", listed.index(delegation_id)),
                    f"delegation '{delegation_id}' has no file {delegation_id}.yaml in this folder",
                    _suggest(delegation_id, available) or f"create {delegation_id}.yaml",
                )
            )
            continue
        record = _load_delegation(
            path, meeting.host == delegation_id, people, collector, placed, used
        )
        if record is not None:
            delegations.append(record)
    if len(collector.problems) > before or len(delegations) != len(set(listed)):
        return None
    delegations.sort(key=lambda d: not d.is_host)
    return MeetingRecord(meeting_id, folder, source, meeting, tuple(delegations))


def _load_delegation(
    path: Path,
    is_host: bool,
    people: dict[str, PersonRecord | None],
    collector: _Collector,
    placed: dict[str, str],
    used: set[str],
) -> DelegationRecord | None:
    document = collector.read(path)
    if document is None:
        return None
    delegation, errors = validate_document(document, Delegation)
    collector.problems.extend(errors)
    raw_members = document.data.get("members") if isinstance(document.data, dict) else None
    ok = delegation is not None
    for index, raw in enumerate(raw_members if isinstance(raw_members, list) else []):
        person_id = raw.get("person") if isinstance(raw, dict) else None
        if not isinstance(person_id, str):
            continue
        where = ("members", index, "person")
        used.add(person_id)
        if person_id in placed:
            collector.problems.append(
                document.problem(
                    where,
                    f"'{person_id}' is already a member of {placed[person_id]}",
                    "list each person once per meeting",
                )
            )
            ok = False
            continue
        placed[person_id] = f"delegation '{path.stem}'"
        if person_id not in people:
            collector.problems.append(
                document.problem(
                    where,
                    f"unknown person '{person_id}': there is no people/{person_id}.yaml",
                    _suggest(person_id, people),
                )
            )
            ok = False
        elif people[person_id] is None:
            ok = False
    if not ok or delegation is None:
        return None
    resolved: list[tuple[Member, PersonRecord]] = []
    for member in delegation.members:
        record = people[member.person]
        assert record is not None
        resolved.append((member, record))
    seated = [(m, r) for m, r in resolved if not m.support]
    support = [(m, r) for m, r in resolved if m.support]
    order = order_by_precedence([m.precedence for m, _ in seated])
    members = tuple(
        Attendee(seated[i][1], seated[i][0], rank) for rank, i in enumerate(order, start=1)
    )
    staff = tuple(Attendee(r, m, len(members) + n) for n, (m, r) in enumerate(support, start=1))
    return DelegationRecord(path.stem, path, delegation, members, staff, is_host)


def _suggest(value: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
