"""A ``delegations/`` folder → validated, cross-referenced meetings, or all problems at once.

This stage reads files and resolves references (people, delegations, the
host); it never renders anything.  Every error found in a run is collected
and raised together in one :class:`ValidationFailed`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.errors import BriefgenError, Problem, ValidationFailed, sort_problems
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.project.assets import check_photo
from briefgen.project.config import MEETING_FILE, PEOPLE_DIR, read_config, template_folder
from briefgen.project.meetings import ID_RE, load_meeting
from briefgen.project.reader import Reader, ignored_yml
from briefgen.project.themes import TemplateSet
from briefgen.schema.models import Person, ProjectConfig
from briefgen.schema.records import (
    MeetingRecord,
    PersonRecord,
)
from briefgen.schema.validate import validate_document


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
    reader = Reader(root, limits)
    config, config_document = read_config(root, reader)
    template_dir = templates or template_folder(root, config, config_document, reader)
    people, people_problems = _load_people(root, limits)
    folders = list(meetings) if meetings is not None else meeting_folders(root)
    records: list[MeetingRecord] = []
    used: set[str] = set()
    for folder in folders:
        record = load_meeting(folder, people, reader, used, config)
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


def _load_people(
    root: Path, limits: Limits
) -> tuple[dict[str, PersonRecord | None], dict[str, list[Problem]]]:
    """Validate every person file; ``None`` marks a person whose file is invalid."""
    folder = root / PEOPLE_DIR
    people: dict[str, PersonRecord | None] = {}
    problems: dict[str, list[Problem]] = {}
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        problems[path.name] = [ignored_yml(path)]
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        person_id = path.stem
        own = Reader(root, limits)
        if not ID_RE.match(person_id):
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
            photo = check_photo(root, person.photo, document, own.problems, limits)
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
