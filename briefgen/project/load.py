"""A ``delegations/`` folder → validated, cross-referenced meetings, or all problems at once.

This stage reads files and resolves references (people, delegations, the
host); it never renders anything.  Every error found in a run is collected
and raised together in one :class:`ValidationFailed`.
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.errors import BriefgenError, Problem, ValidationFailed, sort_problems
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.project.themes import TemplateSet
from briefgen.protocol.editions import check_config, check_meeting
from briefgen.protocol.forms import order_by_precedence
from briefgen.protocol.seating import check_seating
from briefgen.schema.models import ID_PATTERN, Delegation, Meeting, Member, Person, ProjectConfig
from briefgen.schema.records import (
    AttachmentFile,
    Attendee,
    DelegationRecord,
    MeetingRecord,
    PersonRecord,
)
from briefgen.schema.validate import validate_document
from briefgen.schema.yamlread import DataPath, YamlDocument, YamlReadError, read_yaml

PEOPLE_DIR = "people"
MEETING_FILE = "meeting.yaml"
CONFIG_FILE = "briefgen.yaml"
#: The template folder used when briefgen.yaml names none and it exists.
TEMPLATES_DIR = "templates"
IMAGE_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
_ID_RE = re.compile(ID_PATTERN)


@dataclass
class Project:
    """Everything loaded from one data root (the folder holding ``people/``)."""

    root: Path
    people: dict[str, PersonRecord]
    meetings: list[MeetingRecord]
    config: ProjectConfig = field(default_factory=ProjectConfig)
    #: The loader's warnings (errors raise); the lints come from ``briefgen.lint.check_project``.
    problems: list[Problem] = field(default_factory=list)
    #: Every meeting and every person was loaded, so "unused person" can be judged.
    complete: bool = True
    #: The user's template folder: --templates, else briefgen.yaml, else templates/ if present.
    template_dir: Path | None = None
    #: The built-in theme: --theme, else briefgen.yaml, else default.
    theme: str = "default"

    @property
    def templates(self) -> TemplateSet:
        """Where this project's books take their templates and label catalogues from."""
        return TemplateSet(self.template_dir, self.theme)


@dataclass
class _Reader:
    root: Path
    limits: Limits
    problems: list[Problem] = field(default_factory=list)

    def read(self, path: Path) -> YamlDocument | None:
        """Read a data file that must really be inside the data root."""
        try:
            resolved = path.resolve()
            inside = resolved.is_relative_to(self.root.resolve())
            regular = resolved.is_file()
        except (OSError, RuntimeError) as exc:
            self.problems.append(
                Problem(
                    path,
                    1,
                    1,
                    f"cannot read the file ({exc})",
                    "replace it with a plain file",
                    "BG113",
                )
            )
            return None
        if not inside:
            self.problems.append(
                Problem(
                    path,
                    1,
                    1,
                    f"the file is a link to a place outside the data folder ({resolved})",
                    "replace the link with a plain file inside the data folder",
                    "BG313",
                )
            )
            return None
        if not regular:
            self.problems.append(
                Problem(
                    path,
                    1,
                    1,
                    "this is not a regular file",
                    "replace it with a plain YAML file",
                    "BG113",
                )
            )
            return None
        try:
            document = read_yaml(path, self.limits)
        except YamlReadError as exc:
            self.problems.extend(exc.problems)
            return None
        self.problems.extend(_check_texts(document, self.limits))
        return document


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
    root: Path,
    meetings: Sequence[Path] | None = None,
    *,
    all_people: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    templates: Path | None = None,
    theme: str | None = None,
) -> Project:
    """Load, validate and cross-reference a data root.

    ``meetings`` restricts the meetings loaded (default: all below ``root``);
    with ``all_people`` false only the people those meetings use are
    validated, so an unrelated broken person file does not block a build.
    Raises :class:`ValidationFailed` listing every error found; the loader's
    warnings are in ``Project.problems``, and :func:`briefgen.lint.check_project`
    adds the lints.  ``templates`` and ``theme`` (the
    command line's choices) override those of ``briefgen.yaml``.
    """
    reader = _Reader(root, limits)
    config, config_document = _load_config(root, reader)
    template_dir = templates or _template_folder(root, config, config_document, reader)
    people, people_problems = _load_people(root, limits)
    folders = list(meetings) if meetings is not None else meeting_folders(root)
    records: list[MeetingRecord] = []
    used: set[str] = set()
    for folder in folders:
        record = _load_meeting(folder, people, reader, used, config)
        if record is not None:
            records.append(record)
    for person_id, problems in people_problems.items():
        if all_people or person_id in used:
            reader.problems.extend(problems)
    if any(p.severity == "error" for p in reader.problems):
        raise ValidationFailed(reader.problems)
    return Project(
        root=root,
        people={k: v for k, v in people.items() if v is not None},
        meetings=records,
        config=config,
        problems=sort_problems(reader.problems),
        complete=all_people and meetings is None,
        template_dir=template_dir,
        theme=theme or config.theme or "default",
    )


def _load_config(root: Path, reader: _Reader) -> tuple[ProjectConfig, YamlDocument | None]:
    path = root / CONFIG_FILE
    if not path.exists() and not path.is_symlink():
        return ProjectConfig(), None
    document = reader.read(path)
    if document is None:
        return ProjectConfig(), None
    config, errors = validate_document(document, ProjectConfig)
    reader.problems.extend(errors)
    if config is not None:
        reader.problems.extend(check_config(config, document))
    return config or ProjectConfig(), document


def load_config(root: Path) -> ProjectConfig:
    """The project's briefgen.yaml alone (defaults when absent); raises ValidationFailed."""
    reader = _Reader(root, DEFAULT_LIMITS)
    config, _ = _load_config(root, reader)
    if any(p.severity == "error" for p in reader.problems):
        raise ValidationFailed(reader.problems)
    return config


def _template_folder(
    root: Path, config: ProjectConfig, document: YamlDocument | None, reader: _Reader
) -> Path | None:
    """The template folder named in briefgen.yaml, or templates/ in the data root.

    It must stay inside the data folder, after following links: the data
    arrives through pull requests, and a template folder elsewhere could
    make the book include any file on the machine.
    """
    named = config.templates
    folder = root / (named or TEMPLATES_DIR)
    if named is None and not folder.exists() and not folder.is_symlink():
        return None
    try:
        inside = folder.resolve().is_relative_to(root.resolve()) and folder.resolve().is_dir()
    except (OSError, RuntimeError):
        inside = False
    if inside:
        return folder
    message = (
        f"the template folder '{named or TEMPLATES_DIR}' is not a folder inside the data folder"
    )
    hint = "give a folder relative to briefgen.yaml, below it, e.g. templates"
    if named is not None and document is not None:
        reader.problems.append(document.problem(("templates",), "BG324", message, hint))
        return None
    reader.problems.append(Problem(folder, 1, 1, message, hint, "BG324"))
    return None


#: Bidirectional embedding, override and isolate controls: they can make printed text
#: read differently from what a reviewer sees in the diff ("Trojan Source").
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _check_texts(document: YamlDocument, limits: Limits) -> list[Problem]:
    """Limits and hidden characters in every text value of a document."""
    problems = []
    stack: list[tuple[DataPath, Any]] = [((), document.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
        elif isinstance(value, str):
            if len(value) > limits.text_chars:
                problems.append(
                    document.problem(
                        path,
                        "BG215",
                        f"text is {len(value):,} characters, more than the limit of "
                        f"{limits.text_chars:,}",
                        "shorten it, or raise --max-text-chars",
                    )
                )
            control = _BIDI_CONTROLS.search(value)
            if control:
                line, col = document.find_text(path, control.group())
                problems.append(
                    Problem(
                        document.path,
                        line,
                        col,
                        f"invisible bidirectional control character "
                        f"U+{ord(control.group()):04X} in the text",
                        "delete it; right-to-left text displays correctly without it",
                        "BG216",
                    )
                )
    return problems


def _load_people(
    root: Path, limits: Limits
) -> tuple[dict[str, PersonRecord | None], dict[str, list[Problem]]]:
    """Validate every person file; ``None`` marks a person whose file is invalid."""
    folder = root / PEOPLE_DIR
    people: dict[str, PersonRecord | None] = {}
    problems: dict[str, list[Problem]] = {}
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        problems[path.name] = [_ignored_yml(path)]
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        person_id = path.stem
        own = _Reader(root, limits)
        if not _ID_RE.match(person_id):
            own.problems.append(
                Problem(
                    path,
                    1,
                    1,
                    f"'{person_id}' is not a valid person id",
                    "rename the file using lowercase letters, digits and '-'",
                    "BG306",
                )
            )
        document = own.read(path)
        person = None
        if document is not None:
            person, errors = validate_document(document, Person)
            own.problems.extend(errors)
        photo = None
        if person is not None and person.photo is not None and document is not None:
            photo = _check_photo(folder, person.photo, document, own.problems, limits)
        ok = (
            person is not None
            and document is not None
            and not any(p.severity == "error" for p in own.problems)
        )
        people[person_id] = (
            PersonRecord(person_id, path, person, photo, document)
            if ok and person is not None and document is not None
            else None
        )
        problems[person_id] = own.problems
    return people, problems


def _check_photo(
    folder: Path, photo: str, document: YamlDocument, problems: list[Problem], limits: Limits
) -> Path | None:
    """Resolve a person's photo, or add the located problem and return None."""
    found = _locate_photo(folder, photo, limits)
    if isinstance(found, Path):
        return found
    code, message, hint = found
    shown = photo if len(photo) <= 60 else photo[:57] + "..."
    problems.append(document.problem(("photo",), code, f"photo '{shown}' {message}", hint))
    return None


@dataclass(frozen=True)
class _Place:
    """Where a file named in the data must be, with the codes and words of its problems."""

    folder: str  # "the people/ folder"
    path_code: str  # the path is absolute, leaves the folder, loops or is unusable
    file_code: str  # the path names nothing, or not a regular file
    outside_hint: str
    target: str  # "an image file"
    usable_hint: str


_PHOTO = _Place(
    "the people/ folder",
    "BG307",
    "BG308",
    "keep photos under people/, e.g. people/photos/",
    "an image file",
    "use a short relative path to an image file under people/",
)
_ATTACHMENT = _Place(
    "the meeting folder",
    "BG314",
    "BG315",
    "copy the file into the meeting folder",
    "a file",
    "use a short relative path to a file",
)


def _resolve_inside(folder: Path, relative: str, place: _Place) -> Path | tuple[str, str, str]:
    """The regular file ``relative`` names inside ``folder`` (after links), or why not."""
    if Path(relative).is_absolute() or "\\" in relative or ":" in relative or "\0" in relative:
        return (
            place.path_code,
            "is not a relative path",
            f"give it relative to {place.folder}, with '/' between folders",
        )
    try:
        base = folder.resolve()
        target = (folder / relative).resolve()
        if not target.is_relative_to(base):
            return (
                place.path_code,
                f"is outside {place.folder} (after following links)",
                place.outside_hint,
            )
        if not target.exists():
            return (
                place.file_code,
                "does not exist",
                f"check the path, relative to {place.folder}",
            )
        if not target.is_file():
            return (place.file_code, "is not a regular file", f"point it at {place.target}")
    except RuntimeError:
        return (place.path_code, "is a loop of symbolic links", f"point it at {place.target}")
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "invalid path"
        return (place.path_code, f"cannot be used ({reason})", place.usable_hint)
    return target


def _locate_photo(folder: Path, photo: str, limits: Limits) -> Path | tuple[str, str, str]:
    target = _resolve_inside(folder, photo, _PHOTO)
    if not isinstance(target, Path):
        return target
    problem = _check_image(target, limits)
    return target if problem is None else problem


def _check_image(path: Path, limits: Limits) -> tuple[str, str, str] | None:
    """Check type, size and integrity from the header, without decoding the pixels."""
    from PIL import Image, UnidentifiedImageError

    size = path.stat().st_size
    if size > limits.image_bytes:
        return (
            "BG310",
            f"is {size:,} bytes, more than the limit of {limits.image_bytes:,}",
            "use a smaller file (a print photo needs well under 1 MB), or raise --max-image-bytes",
        )
    unreadable = ("BG309", "is not a readable image", "use a JPEG, PNG, GIF or WebP file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        with image:
            kind, (width, height) = image.format, image.size
            if kind in IMAGE_FORMATS and width * height <= limits.image_pixels:
                image.verify()
    except Image.DecompressionBombError:
        return ("BG310", "declares an enormous pixel size", "use a normal photo")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return unreadable
    if kind not in IMAGE_FORMATS:
        return ("BG309", f"is a {kind} image", "use a JPEG, PNG, GIF or WebP file")
    if width * height > limits.image_pixels:
        return (
            "BG310",
            f"is {width}×{height} pixels, more than the limit of {limits.image_pixels:,} pixels",
            "scale it down (about 1000 pixels high is "
            "plenty for print), or raise --max-image-pixels",
        )
    return None


def _load_meeting(
    folder: Path,
    people: dict[str, PersonRecord | None],
    reader: _Reader,
    used: set[str],
    config: ProjectConfig,
) -> MeetingRecord | None:
    source = folder / MEETING_FILE
    meeting_id = folder.name
    if not _ID_RE.match(meeting_id):
        reader.problems.append(
            Problem(
                source,
                1,
                1,
                f"'{meeting_id}' is not a valid meeting id",
                "rename the folder using lowercase letters, digits and '-', e.g. 2017-09-28-ankara",
                "BG306",
            )
        )
    document = reader.read(source)
    if document is None:
        return None
    meeting, errors = validate_document(document, Meeting)
    reader.problems.extend(errors)
    if meeting is None:
        return None
    if meeting.seating.interpreters is None:
        default = config.interpreters or "behind"
        seating = meeting.seating.model_copy(update={"interpreters": default})
        meeting = meeting.model_copy(update={"seating": seating})
    before = len(reader.problems)
    reader.problems.extend(_check_times(meeting, document))
    reader.problems.extend(check_meeting(meeting, document, config))
    attachments = _check_attachments(folder, meeting, document, reader)

    listed = meeting.delegations
    seen: set[str] = set()
    for index, delegation_id in enumerate(listed):
        if delegation_id in seen:
            reader.problems.append(
                document.problem(
                    ("delegations", index),
                    "BG305",
                    f"delegation '{delegation_id}' is listed twice",
                    "remove the second mention",
                )
            )
        seen.add(delegation_id)
    for key in ("host", "perspective"):
        value = getattr(meeting, key)
        if value is not None and value not in listed:
            reader.problems.append(
                document.problem(
                    (key,),
                    "BG304",
                    f"{key} '{value}' is not one of the delegations",
                    _suggest(value, listed) or f"use one of: {', '.join(listed)}",
                )
            )
    for extra in sorted({p.stem for p in folder.glob("*.yaml")} - {"meeting", *listed}):
        reader.problems.append(
            Problem(
                folder / f"{extra}.yaml",
                1,
                1,
                "this file is not listed under 'delegations' in meeting.yaml and is ignored",
                "add it to the list or delete it",
                "BG401",
            )
        )
    for path in sorted(folder.glob("*.yml")):
        reader.problems.append(_ignored_yml(path))

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
                    _suggest(delegation_id, available) or f"create {delegation_id}.yaml",
                )
            )
            continue
        record = _load_delegation(path, meeting.host == delegation_id, people, reader, placed, used)
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
                "raise --max-people if this is right",
            )
        )
    errors_now = [p for p in reader.problems[before:] if p.severity == "error"]
    if errors_now or len(delegations) != len(set(listed)):
        return None
    delegations.sort(key=lambda d: not d.is_host)
    loaded = MeetingRecord(
        meeting_id, folder, source, meeting, tuple(delegations), document, attachments
    )
    seating_problems = check_seating(loaded)
    reader.problems.extend(seating_problems)
    return None if seating_problems else loaded


def _check_attachments(
    folder: Path, meeting: Meeting, document: YamlDocument, reader: _Reader
) -> tuple[AttachmentFile, ...]:
    """Resolve each attachment inside the meeting folder, or add a located problem."""
    found = []
    names: set[str] = set()
    for index, attachment in enumerate(meeting.attachments):
        where: DataPath = ("attachments", index, "file")
        located = _locate_attachment(folder, attachment.file, reader.limits)
        if isinstance(located, tuple):
            code, message, hint = located
            shown = attachment.file if len(attachment.file) <= 60 else attachment.file[:57] + "..."
            reader.problems.append(
                document.problem(where, code, f"attachment '{shown}' {message}", hint)
            )
            continue
        if located.name in names:
            reader.problems.append(
                document.problem(
                    where,
                    "BG315",
                    f"attachment '{attachment.file}' has the same file name as another attachment",
                    "rename one of them: readers list attachments by file name",
                )
            )
            continue
        names.add(located.name)
        found.append(AttachmentFile(located, located.name, attachment.description))
    return tuple(found)


def _locate_attachment(folder: Path, file: str, limits: Limits) -> Path | tuple[str, str, str]:
    target = _resolve_inside(folder, file, _ATTACHMENT)
    if not isinstance(target, Path):
        return target
    try:
        size = target.stat().st_size
    except OSError as exc:
        return (
            "BG314",
            f"cannot be used ({exc.strerror or 'invalid path'})",
            _ATTACHMENT.usable_hint,
        )
    if size > limits.attachment_bytes:
        return (
            "BG316",
            f"is {size:,} bytes, more than the limit of {limits.attachment_bytes:,}",
            "attach a smaller file, or raise --max-attachment-bytes",
        )
    return target


def _check_times(meeting: Meeting, document: YamlDocument) -> list[Problem]:
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


def _load_delegation(
    path: Path,
    is_host: bool,
    people: dict[str, PersonRecord | None],
    reader: _Reader,
    placed: dict[str, str],
    used: set[str],
) -> DelegationRecord | None:
    document = reader.read(path)
    if document is None:
        return None
    delegation, errors = validate_document(document, Delegation)
    reader.problems.extend(errors)
    raw_members = document.data.get("members") if isinstance(document.data, dict) else None
    ok = delegation is not None
    for index, raw in enumerate(raw_members if isinstance(raw_members, list) else []):
        person_id = raw.get("person") if isinstance(raw, dict) else None
        if not isinstance(person_id, str) or not _ID_RE.match(person_id):
            continue
        where = ("members", index, "person")
        used.add(person_id)
        if person_id in placed:
            reader.problems.append(
                document.problem(
                    where,
                    "BG302",
                    f"'{person_id}' is already a member of {placed[person_id]}",
                    "list each person once per meeting",
                )
            )
            ok = False
            continue
        placed[person_id] = f"delegation '{path.stem}'"
        if person_id not in people:
            reader.problems.append(
                document.problem(
                    where,
                    "BG301",
                    f"unknown person '{person_id}': there is no people/{person_id}.yaml",
                    _suggest(person_id, people),
                )
            )
            ok = False
        elif people[person_id] is None:
            ok = False
    if not ok or delegation is None:
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


def _ignored_yml(path: Path) -> Problem:
    return Problem(
        path,
        1,
        1,
        "this file is ignored: briefgen reads only files ending in .yaml",
        f"rename it to {path.stem}.yaml",
        "BG411",
    )


def _suggest(value: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
