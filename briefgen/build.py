"""Orchestrate a build: load, render every output in memory, then write them all.

Nothing is written until every requested output of every meeting has been
produced, so invalid input or a failed render leaves earlier outputs intact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import UncommittedInputs
from .gitinfo import VersionInfo, source_date, version_info
from .load import MeetingRecord, Project
from .output import write_atomic
from .render import RenderOptions, builtin_templates, make_environment, render_book

Format = Literal["html", "pdf", "all"]


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where."""

    out_dir: Path = Path("build")
    format: Format = "all"
    render: RenderOptions = field(default_factory=RenderOptions)
    template_dir: Path | None = None
    final: bool = False


def output_folder(out_dir: Path, record: MeetingRecord) -> Path:
    return out_dir / record.id


def build_project(
    project: Project, options: BuildOptions, meetings: Sequence[MeetingRecord] | None = None
) -> list[Path]:
    """Build the books of ``meetings`` (default: all in the project); return the paths written."""
    env = make_environment(options.template_dir)
    records = list(meetings if meetings is not None else project.meetings)
    versions = {r.id: meeting_version(r, options.template_dir) for r in records}
    if options.final:
        refuse_uncommitted(records, versions)
    pending: list[tuple[Path, bytes]] = []
    for record in records:
        folder = output_folder(options.out_dir, record)
        html = render_book(record, env, options.render)
        if options.format in ("html", "all"):
            pending.append((folder / "book.html", html.encode("utf-8")))
        if options.format in ("pdf", "all"):
            from .pdf import render_pdf

            allowed = [
                project.root / "people",
                record.folder,
                options.template_dir or builtin_templates(),
            ]
            pending.append(
                (
                    folder / "book.pdf",
                    render_pdf(
                        html,
                        base_dir=record.folder,
                        allowed=allowed,
                        created=source_date(versions[record.id]),
                        identifier=record.id,
                    ),
                )
            )
    for path, data in pending:
        write_atomic(path, data)
    return [path for path, _ in pending]


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
