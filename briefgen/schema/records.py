"""The validated, cross-referenced records the later stages work on.

A record is a validated model plus where it came from (file and parsed YAML
document, for located problems) and its resolved references: an attendee
points to the person's record, a meeting to its delegations.  Records are
made by :mod:`briefgen.project.load`; protocol, rendering and diffing read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefgen.schema.models import Delegation, Meeting, Member, Person
from briefgen.schema.yamlread import YamlDocument


@dataclass(frozen=True)
class PersonRecord:
    """A validated person with its id and where it came from."""

    id: str
    source: Path
    person: Person
    photo: Path | None
    document: YamlDocument = field(repr=False, compare=False)


@dataclass(frozen=True)
class Attendee:
    """A member of a delegation resolved to the person, with rank at this meeting."""

    record: PersonRecord
    member: Member
    rank: int
    index: int

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
    document: YamlDocument = field(repr=False, compare=False)


@dataclass(frozen=True)
class AttachmentFile:
    """A file to embed in the PDF: resolved inside the meeting folder, checked to exist."""

    path: Path
    name: str
    description: str | None


@dataclass(frozen=True)
class MeetingRecord:
    """A meeting ready to render: delegations host first, all references resolved."""

    id: str
    folder: Path
    source: Path
    meeting: Meeting
    delegations: tuple[DelegationRecord, ...]
    document: YamlDocument = field(repr=False, compare=False)
    attachments: tuple[AttachmentFile, ...] = ()

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
        files += [a.path for a in self.attachments]
        return files
