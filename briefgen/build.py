"""Orchestrate a build: load, render every output in memory, then write them all.

Nothing is written until every requested output of every meeting has been
produced, so invalid input or a failed render leaves earlier outputs intact.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import jinja2

from .editions import book_marking, edition_named, select
from .errors import BriefgenError, RenderError, UncommittedInputs
from .gitinfo import VersionInfo, source_date, version_info
from .limits import DEFAULT_LIMITS, Limits
from .load import AttachmentFile, MeetingRecord, Project
from .model import Edition
from .output import write_atomic
from .recipients import IssuedCopy, Recipient, copy_file_name, register_csv
from .render import BuildInfo, Copy, RenderOptions, make_environment, render_book
from .themes import builtin_templates

if TYPE_CHECKING:
    from .pdf import PdfAttachment, PdfVariant

#: "all" is the book (HTML and PDF) with its protocol material; "ics" is asked for alone.
Format = Literal["html", "pdf", "seating", "cards", "pocket", "ics", "all"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "seating", "cards", "pocket", "ics", "all")


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where."""

    out_dir: Path = Path("build")
    format: Format = "all"
    render: RenderOptions = field(default_factory=RenderOptions)
    #: Overrides the project's template folder (briefgen.yaml, or templates/ in the data root).
    template_dir: Path | None = None
    #: Overrides the project's theme.
    theme: str | None = None
    #: Seconds allowed for one meeting's PDF; None or 0 for no limit.
    timeout: float | None = DEFAULT_LIMITS.timeout
    #: Refuse to build from uncommitted inputs.
    final: bool = False
    #: A git revision: add a "Changes since" page and change bars against it.
    changes_since: str | None = None
    #: Name of the edition to build (an edition in briefgen.yaml); None: the full book.
    edition: str | None = None
    #: Archival or accessible PDF (tagged); None: a plain PDF.
    pdf_variant: PdfVariant | None = None
    #: Numbered copies, one PDF per recipient, instead of book.html and book.pdf.
    recipients: Sequence[Recipient] | None = None
    limits: Limits = DEFAULT_LIMITS


def output_folder(out_dir: Path, record: MeetingRecord, edition: str | None = None) -> Path:
    """``OUT/<meeting-id>/``, or ``OUT/<meeting-id>/edition-<name>/`` for an edition."""
    folder = out_dir / record.id
    return folder / f"edition-{edition}" if edition else folder


def edition_of(project: Project, name: str | None) -> Edition | None:
    """The edition called ``name`` in the project's briefgen.yaml (None for the full book)."""
    if name is None:
        return None
    edition = edition_named(project.config, name)
    if edition is None:
        known = ", ".join(e.name for e in project.config.editions) or "none defined"
        raise BriefgenError(
            f"{project.root}: no edition '{name}' in briefgen.yaml (editions: {known})"
        )
    return edition


def edition_record(
    project: Project, record: MeetingRecord, edition: Edition | None
) -> MeetingRecord:
    """The meeting as ``edition`` sees it: only its items, marked with the computed marking."""
    marking = book_marking(record.meeting, edition, project.config)
    audiences = frozenset(edition.audiences) if edition else None
    return dataclasses.replace(record, meeting=select(record.meeting, audiences, marking))


def read_attachments(record: MeetingRecord, limits: Limits = DEFAULT_LIMITS) -> list[PdfAttachment]:
    """The attachments' bytes, checked again to be regular files inside the meeting folder."""
    from .pdf import PdfAttachment

    found = []
    base = record.folder.resolve()
    for attachment in record.attachments:
        found.append(
            PdfAttachment(
                attachment.name, _read_inside(attachment, base, limits), attachment.description
            )
        )
    return found


def _read_inside(attachment: AttachmentFile, base: Path, limits: Limits) -> bytes:
    try:
        path = attachment.path.resolve()
        if not path.is_relative_to(base) or not path.is_file():
            raise RenderError(
                f"{attachment.path}: the attachment is no longer a file in the meeting folder"
            )
        with path.open("rb") as stream:
            data = stream.read(limits.attachment_bytes + 1)
    except OSError as exc:
        raise RenderError(
            f"{attachment.path}: cannot read the attachment ({exc.strerror})"
        ) from exc
    if len(data) > limits.attachment_bytes:
        raise RenderError(f"{attachment.path}: the attachment grew past the size limit")
    return data


def describe_build(version: VersionInfo | None) -> BuildInfo:
    """The version line's facts: the build's date and, inside git, the commit and DRAFT state."""
    if version is None:
        return BuildInfo(built=source_date(version).date())
    return BuildInfo(
        built=source_date(version).date(),
        commit=version.short,
        committed=version.date.date() if version.date else None,
        draft=version.dirty,
    )


def build_project(
    project: Project, options: BuildOptions, meetings: Sequence[MeetingRecord] | None = None
) -> list[Path]:
    """Build the books of ``meetings`` (default: all in the project); return the paths written.

    Every output is produced in memory first; only when all succeeded are they
    written, each atomically.
    """
    options = project_options(project, options)
    env = make_environment(options.template_dir, options.theme or "default")
    records = list(meetings if meetings is not None else project.meetings)
    versions = {r.id: meeting_version(r, options.template_dir) for r in records}
    if options.final:
        refuse_uncommitted(records, versions)
    pending: list[tuple[Path, bytes]] = []
    for record in records:
        try:
            pending += render_outputs(project, record, env, options, versions[record.id])
        except RenderError as exc:
            raise RenderError(f"meeting {record.id}: {exc}") from exc
    for path, data in pending:
        write_atomic(path, data)
    return [path for path, _ in pending]


def project_options(project: Project, options: BuildOptions) -> BuildOptions:
    """``options`` with what they leave open taken from the project (briefgen.yaml)."""
    config = project.config
    render = options.render
    return replace(
        options,
        template_dir=options.template_dir or project.template_dir,
        theme=options.theme or project.theme,
        render=replace(
            render,
            paper=render.paper or config.paper,
            family_caps=config.family_caps if render.family_caps is None else render.family_caps,
        ),
    )


def render_outputs(
    project: Project,
    record: MeetingRecord,
    env: jinja2.Environment,
    options: BuildOptions,
    version: VersionInfo | None = None,
) -> list[tuple[Path, bytes]]:
    """The files of one meeting as (path, content) pairs, nothing written yet."""
    edition = edition_of(project, options.edition)
    view = edition_record(project, record, edition)
    folder = output_folder(options.out_dir, record, edition.name if edition else None)
    build = describe_build(version)
    created = source_date(version)
    label = (edition.label or "") if edition else ""
    allowed = [project.root / "people", record.folder, builtin_templates()]
    if options.template_dir is not None:
        allowed.append(options.template_dir)

    def pdf(html: str, *, book: bool = False) -> bytes:
        """The PDF of ``html``; the book takes the variant and the attachments."""
        from .pdf import render_pdf

        return render_pdf(
            html,
            base_dir=record.folder,
            allowed=allowed,
            created=created,
            identifier=record.id,
            timeout=options.timeout,
            variant=options.pdf_variant if book else None,
            attachments=read_attachments(view, options.limits) if book else (),
        )

    if options.format == "ics":
        from .ics import programme_ics

        return [(folder / "programme.ics", programme_ics(record.id, view.meeting, build.built))]
    if options.recipients is not None:
        return _numbered_copies(view, env, options, folder, build, label, pdf)
    outputs: list[tuple[Path, bytes]] = []
    if options.format in ("html", "pdf", "all"):
        changes = None
        if options.changes_since is not None:
            from .changes import changes_since

            changes = changes_since(record, options.changes_since, options.limits)
        html = render_book(view, env, options.render, build, changes, edition_label=label)
        if options.format in ("html", "all"):
            outputs.append((folder / "book.html", html.encode("utf-8")))
        if options.format in ("pdf", "all"):
            outputs.append((folder / "book.pdf", pdf(html, book=True)))
    return outputs + render_protocol_material(view, env, folder, options, pdf)


def render_protocol_material(
    record: MeetingRecord,
    env: jinja2.Environment,
    folder: Path,
    options: BuildOptions,
    pdf: Callable[..., bytes],
) -> list[tuple[Path, bytes]]:
    """The seating plan SVG, place cards and pocket list that the format asks for, in memory."""
    from .protocol_render import render_place_cards, render_pocket, render_seating_svg

    fmt = options.format
    outputs: list[tuple[Path, bytes]] = []
    if fmt in ("seating", "all"):
        outputs.append((folder / "seating.svg", render_seating_svg(record).encode("utf-8")))
    for kind, name, render in (
        ("cards", "place-cards.pdf", render_place_cards),
        ("pocket", "pocket.pdf", render_pocket),
    ):
        if fmt in (kind, "all"):
            outputs.append((folder / name, pdf(render(record, env))))
    return outputs


def meeting_version(record: MeetingRecord, template_dir: Path | None = None) -> VersionInfo | None:
    """The git version of everything the meeting's book is made from (``None`` outside git)."""
    return version_info([*record.input_files(), template_dir or builtin_templates()])


def refuse_uncommitted(
    records: Sequence[MeetingRecord], versions: dict[str, VersionInfo | None]
) -> None:
    """Raise :class:`UncommittedInputs` unless every meeting's inputs are committed."""
    reasons = []
    for record in records:
        version = versions[record.id]
        if version is None:
            reasons.append(f"{record.id}: the inputs are not in a git repository")
        elif version.changed:
            files = "\n    ".join(version.changed)
            reasons.append(f"{record.id}: uncommitted changes in\n    {files}")
        elif version.commit is None:
            reasons.append(f"{record.id}: no input has been committed yet")
    if reasons:
        raise UncommittedInputs(
            "--final builds only from committed inputs; commit (or discard) the changes "
            "and build again:\n  " + "\n  ".join(reasons)
        )


def _numbered_copies(
    record: MeetingRecord,
    env: jinja2.Environment,
    options: BuildOptions,
    folder: Path,
    build: BuildInfo,
    label: str,
    pdf: Callable[..., bytes],
) -> list[tuple[Path, bytes]]:
    """One PDF per recipient, each with its copy line and watermark, and the register."""
    assert options.recipients is not None
    total = len(options.recipients)
    issued = []
    for number, recipient in enumerate(options.recipients, start=1):
        copy = Copy(number, total, recipient.name)
        html = render_book(record, env, options.render, build, edition_label=label, copy=copy)
        data = pdf(html, book=True)
        issued.append(IssuedCopy(number, total, recipient, copy_file_name(number, total), data))
    copies = folder / "copies"
    register = register_csv(
        issued,
        meeting=record.id,
        edition=options.edition or "",
        marking=record.meeting.marking,
        issued=build.built,
    )
    return [*((copies / c.file, c.pdf) for c in issued), (copies / "register.csv", register)]
