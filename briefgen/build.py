"""Orchestrate a build: load, render every output in memory, then write them all.

Nothing is written until every requested output of every meeting has been
produced, so invalid input or a failed render leaves earlier outputs intact.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import jinja2

from .editions import book_marking, edition_named, select
from .errors import BriefgenError, RenderError
from .limits import DEFAULT_LIMITS, Limits
from .load import AttachmentFile, MeetingRecord, Project
from .model import Edition
from .output import write_atomic
from .recipients import IssuedCopy, Recipient, copy_file_name, register_csv
from .render import (
    BuildInfo,
    Copy,
    RenderOptions,
    builtin_templates,
    make_environment,
    render_book,
)

if TYPE_CHECKING:
    from .pdf import PdfAttachment, PdfVariant

Format = Literal["html", "pdf", "all", "ics"]


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where."""

    out_dir: Path = Path("build")
    format: Format = "all"
    render: RenderOptions = field(default_factory=RenderOptions)
    template_dir: Path | None = None
    #: Seconds allowed for one meeting's PDF; None or 0 for no limit.
    timeout: float | None = DEFAULT_LIMITS.timeout
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


def build_date() -> date:
    """Today, or the date of ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    return date.today()


def current_commit(folder: Path) -> str | None:
    """The short id of the commit checked out where ``folder`` is, or ``None`` outside git."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else None


def describe_build(folder: Path) -> BuildInfo:
    """The version line's facts for a book made from the data in ``folder``."""
    return BuildInfo(built=build_date(), commit=current_commit(folder))


def build_project(
    project: Project, options: BuildOptions, meetings: Sequence[MeetingRecord] | None = None
) -> list[Path]:
    """Build the books of ``meetings`` (default: all in the project); return the paths written.

    Every output is produced in memory first; only when all succeeded are they
    written, each atomically.
    """
    env = make_environment(options.template_dir)
    pending: list[tuple[Path, bytes]] = []
    for record in meetings if meetings is not None else project.meetings:
        try:
            pending += render_outputs(project, record, env, options)
        except RenderError as exc:
            raise RenderError(f"meeting {record.id}: {exc}") from exc
    for path, data in pending:
        write_atomic(path, data)
    return [path for path, _ in pending]


def render_outputs(
    project: Project, record: MeetingRecord, env: jinja2.Environment, options: BuildOptions
) -> list[tuple[Path, bytes]]:
    """The files of one meeting as (path, content) pairs, nothing written yet."""
    edition = edition_of(project, options.edition)
    view = edition_record(project, record, edition)
    folder = output_folder(options.out_dir, record, edition.name if edition else None)
    build = describe_build(record.folder)
    label = edition.label or "" if edition else ""
    outputs: list[tuple[Path, bytes]] = []
    if options.format == "ics":
        from .ics import programme_ics

        return [(folder / "programme.ics", programme_ics(record.id, view.meeting, build.built))]
    if options.recipients is not None:
        return _numbered_copies(project, view, env, options, folder, build, label)
    html = render_book(view, env, options.render, build, edition_label=label)
    if options.format in ("html", "all"):
        outputs.append((folder / "book.html", html.encode("utf-8")))
    if options.format in ("pdf", "all"):
        outputs.append((folder / "book.pdf", _pdf(project, view, html, options, build)))
    return outputs


def _pdf(
    project: Project, record: MeetingRecord, html: str, options: BuildOptions, build: BuildInfo
) -> bytes:
    from .pdf import render_pdf

    allowed = [
        project.root / "people",
        record.folder,
        options.template_dir or builtin_templates(),
    ]
    return render_pdf(
        html,
        base_dir=record.folder,
        allowed=allowed,
        timeout=options.timeout,
        variant=options.pdf_variant,
        attachments=read_attachments(record, options.limits),
        created=datetime(build.built.year, build.built.month, build.built.day, tzinfo=UTC),
    )


def _numbered_copies(
    project: Project,
    record: MeetingRecord,
    env: jinja2.Environment,
    options: BuildOptions,
    folder: Path,
    build: BuildInfo,
    label: str,
) -> list[tuple[Path, bytes]]:
    """One PDF per recipient, each with its copy line and watermark, and the register."""
    assert options.recipients is not None
    total = len(options.recipients)
    issued = []
    for number, recipient in enumerate(options.recipients, start=1):
        copy = Copy(number, total, recipient.name)
        html = render_book(record, env, options.render, build, edition_label=label, copy=copy)
        pdf = _pdf(project, record, html, options, build)
        issued.append(IssuedCopy(number, total, recipient, copy_file_name(number, total), pdf))
    copies = folder / "copies"
    register = register_csv(
        issued,
        meeting=record.id,
        edition=options.edition or "",
        marking=record.meeting.marking,
        issued=build.built,
    )
    return [*((copies / c.file, c.pdf) for c in issued), (copies / "register.csv", register)]
