"""Starter files for ``briefgen new``: valid, commented YAML that passes ``check`` at once.

Ids are checked against the id pattern before they reach a file, so they
are safe to write unquoted.  Nothing is overwritten: when one of several
files already exists none is written, and each file is opened for
exclusive creation.

Each YAML starter begins with a ``yaml-language-server`` modeline pointing at
``schemas/`` beside the data folder; the schema files it names are written
too when they are missing, so the modeline resolves in the editor at once.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from briefgen.errors import BriefgenError
from briefgen.outputs.atomic import write_atomic
from briefgen.render.i18n import SHIPPED_LANGUAGES
from briefgen.schema.fields import ID_PATTERN

_ID_RE = re.compile(ID_PATTERN)
_DATED_ID = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-(.+))?$")
SCHEMA_FOLDER = "schemas"
_MODELINE = re.compile(r"\A# yaml-language-server: \$schema=(\S+)\n")


class StarterError(BriefgenError):
    """A starter file cannot be written."""


_COMMENT = re.compile(r"^(.*?\S)\s{2,}(# .*)$")
COMMENT_COLUMN = 32


def align_comments(text: str) -> str:
    """Start the end-of-line comments of ``text`` in one column."""
    lines = []
    for line in text.splitlines():
        match = _COMMENT.match(line)
        if match:
            line = f"{match.group(1).ljust(COMMENT_COLUMN - 1)} {match.group(2)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Starter:
    """One file to write."""

    path: Path
    text: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", align_comments(self.text))


def check_id(kind: str, value: str) -> str:
    if not _ID_RE.match(value):
        raise StarterError(
            f"'{value}' is not a valid {kind} id: use lowercase ASCII letters, digits and "
            "single '-', e.g. sergei-lavrov or 2024-05-14-paris"
        )
    return value


def _modeline(kind: str) -> str:
    """The yaml-language-server comment; the schemas live in <repo>/schemas (README)."""
    return f"# yaml-language-server: $schema=../../{SCHEMA_FOLDER}/{kind}.schema.json\n"


def _words(identifier: str) -> list[str]:
    return [part.capitalize() for part in identifier.split("-") if part]


def person_file(
    root: Path,
    person_id: str,
    office: str | None = None,
    name: tuple[str, str] | None = None,
) -> Starter:
    """``people/<id>.yaml``, the (given, family) name guessed from the id unless given."""
    words = _words(check_id("person", person_id))
    given, family = (words[0], " ".join(words[1:])) if len(words) > 1 else ("Given", words[0])
    if name is not None:
        given, family = name
    office_line = f"office: {office}" if office else "office: Office held"
    text = (
        _modeline("person")
        + f"""# A person: reusable in every meeting. Keys: docs/format.md (Person).
name:
  given: {given}             # given name(s), in Latin script
  family: {family}           # family name, in Latin script
  # order: family-given      # print the family name first (Chinese, Japanese, Korean names)
  # native: Полное имя       # the full name in its own script
  # pronunciation: GIV-en FAM-i-lee   # stressed syllables in capitals
# honorific: H.E.            # H.E., The Hon., Dr, a military rank
# salutation: Mr             # Mr, Ms, Mx
{office_line}                # the default role at meetings; replace it
# born: 1960-01-31
# photo: photos/{person_id}.jpg  # relative to people/
# bio: |
#   A short biography in Markdown.
"""
    )
    return Starter(root / "people" / f"{person_id}.yaml", text)


def delegation_file(root: Path, meeting_id: str, delegation_id: str, members: list[str]) -> Starter:
    """``<meeting>/<id>.yaml`` listing ``members`` (person ids) in order of precedence."""
    check_id("delegation", delegation_id)
    name = " ".join(_words(delegation_id))
    lines = "".join(f"  - person: {check_id('person', m)}\n" for m in members)
    text = (
        _modeline("delegation")
        + f"""# A delegation at {meeting_id}. Keys: docs/format.md (Delegation).
name: {name}                 # the side's full name, e.g. Russian Federation
# short: {name}              # short name for headings
# country: TR                # ISO 3166-1 alpha-2 code
members:                     # in order of precedence, head of delegation first
{lines}  # - person: another-person-id
  #   role: Minister of Foreign Affairs   # role at this meeting (default: their office)
  # - person: an-interpreter
  #   support: true          # interpreters, note-takers: listed apart, not seated
"""
    )
    return Starter(root / meeting_id / f"{delegation_id}.yaml", text)


#: The commented meeting.yaml of `briefgen new meeting` (str.format fields in braces).
_MEETING_YAML = """# A meeting. Keys: docs/format.md (Meeting).
# Check it: briefgen check {root}/{meeting_id}  Build it: briefgen build {root}/{meeting_id}
title: {title}               # the full title, e.g. Russia–Turkey talks at presidential level
# short_title: {title}       # used in page footers
date: {day}
# start: "14:00"
# end: "17:00"
# timezone: Europe/Istanbul  # IANA name; times are local
# venue: Presidential Complex
{city}
marking: {marking}           # security marking on every page
# caveats: [UK EYES ONLY]
language: en                 # labels and dates: {languages}
host: {first}
delegations: [{listed}]      # one file <id>.yaml per delegation in this folder
perspective: {first}          # the side this book briefs
objectives:
  - What our side wants from the meeting, in Markdown.
# programme:
#   - time: "14:00"
#     end: "14:30"
#     title: Arrival
#     place: Main entrance
#     attendees: [Heads of delegation]
topics:
  - title: First subject
    background: |
      Background in Markdown.
    points:
      - A point to make.
    # if_raised:
    #   - A line to take if the other side raises it.
# press:
#   - A line to take with the press.
"""


def meeting_files(
    root: Path,
    meeting_id: str,
    delegations: list[str],
    *,
    marking: str = "OFFICIAL",
    today: date | None = None,
) -> list[Starter]:
    """A meeting folder: ``meeting.yaml``, one file per delegation and a head for each."""
    check_id("meeting", meeting_id)
    if not delegations:
        raise StarterError("a meeting needs at least one delegation")
    match = _DATED_ID.match(meeting_id)
    day = (match.group(1) if match else None) or (today or date.today()).isoformat()
    try:
        date.fromisoformat(day)
    except ValueError:
        day = (today or date.today()).isoformat()
    place = " ".join(_words(match.group(2))) if match and match.group(2) else ""
    title = f"Talks in {place}" if place else "Title of the meeting"
    text = _modeline("meeting") + _MEETING_YAML.format(
        root=root,
        meeting_id=meeting_id,
        title=title,
        day=day,
        city=f"city: {place}" if place else "# city: Ankara",
        marking=marking,
        languages=", ".join(SHIPPED_LANGUAGES),
        first=delegations[0],
        listed=", ".join(check_id("delegation", d) for d in delegations),
    )
    files = [Starter(root / meeting_id / "meeting.yaml", text)]
    for delegation in delegations:
        head = f"{delegation}-head"
        files.append(delegation_file(root, meeting_id, delegation, [head]))
        if not (root / "people" / f"{head}.yaml").exists():
            files.append(
                person_file(
                    root,
                    head,
                    office="Head of delegation",
                    name=("Head of delegation", " ".join(_words(delegation))),
                )
            )
    return files


def write_new(files: list[Starter]) -> list[Path]:
    """Write ``files``, none of which may exist yet; return their paths."""
    existing = [f.path for f in files if f.path.exists() or f.path.is_symlink()]
    if existing:
        raise StarterError(
            f"{existing[0]} already exists; nothing was written (briefgen new never overwrites)"
        )
    written = []
    for starter in files:
        starter.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with starter.path.open("x", encoding="utf-8") as handle:
                handle.write(starter.text)
        except FileExistsError:
            raise StarterError(f"{starter.path} already exists; it was not overwritten") from None
        except OSError as exc:
            raise StarterError(f"cannot write {starter.path} ({exc.strerror})") from exc
        written.append(starter.path)
    return written + write_missing_schemas(files)


def schema_targets(files: list[Starter]) -> list[Path]:
    """The schema files named by the modelines of ``files``, each once, in order."""
    targets: dict[Path, None] = {}
    for starter in files:
        match = _MODELINE.match(starter.text)
        if match:
            targets[Path(os.path.normpath(starter.path.parent / match.group(1)))] = None
    return list(targets)


def write_missing_schemas(files: list[Starter]) -> list[Path]:
    """Write the schema files the modelines of ``files`` name and that do not exist yet.

    An existing schema file is left alone, even an old one: ``briefgen schema
    --out`` refreshes them.
    """
    from briefgen.schema.jsonschema import schema_file_bytes

    contents = schema_file_bytes()
    written = []
    for target in schema_targets(files):
        if target.name not in contents or target.exists() or target.is_symlink():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with target.open("xb") as handle:
                handle.write(contents[target.name])
        except FileExistsError:
            continue
        except OSError as exc:
            raise StarterError(f"cannot write {target} ({exc.strerror})") from exc
        written.append(target)
    return written


def add_to_meeting(meeting_file: Path, delegation_id: str) -> bool:
    """Append ``delegation_id`` to a one-line ``delegations: [...]`` list; False if not found."""
    text = meeting_file.read_text(encoding="utf-8")
    pattern = re.compile(r"^(delegations:\s*\[)([^\]\n]*)(\])", re.M)
    match = pattern.search(text)
    if match is None:
        return False
    items = [item.strip() for item in match.group(2).split(",") if item.strip()]
    if delegation_id in items:
        return True
    updated = ", ".join([*items, delegation_id])
    text = text[: match.start(2)] + updated + text[match.end(2) :]
    write_atomic(meeting_file, text.encode("utf-8"))
    return True
