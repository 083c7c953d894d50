"""Orchestrate a build: load, render every output in memory, then write them all.

Nothing is written until every requested output of every meeting has been
produced, so invalid input or a failed render leaves earlier outputs intact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import jinja2

from .errors import RenderError, UncommittedInputs
from .gitinfo import VersionInfo, source_date, version_info
from .limits import DEFAULT_LIMITS
from .load import MeetingRecord, Project
from .output import write_atomic
from .render import BuildInfo, RenderOptions, builtin_templates, make_environment, render_book

Format = Literal["html", "pdf", "seating", "cards", "pocket", "all"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "seating", "cards", "pocket", "all")


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where."""

    out_dir: Path = Path("build")
    format: Format = "all"
    render: RenderOptions = field(default_factory=RenderOptions)
    template_dir: Path | None = None
    #: Seconds allowed for one meeting's PDF; None or 0 for no limit.
    timeout: float | None = DEFAULT_LIMITS.timeout
    #: Refuse to build from uncommitted inputs.
    final: bool = False
    #: A git revision: add a "Changes since" page and change bars against it.
    changes_since: str | None = None


def output_folder(out_dir: Path, record: MeetingRecord) -> Path:
    return out_dir / record.id


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
    env = make_environment(options.template_dir)
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


def render_outputs(
    project: Project,
    record: MeetingRecord,
    env: jinja2.Environment,
    options: BuildOptions,
    version: VersionInfo | None = None,
) -> list[tuple[Path, bytes]]:
    """The files of one meeting as (path, content) pairs, nothing written yet."""
    folder = output_folder(options.out_dir, record)
    allowed = [project.root / "people", record.folder, options.template_dir or builtin_templates()]
    created = source_date(version)
    outputs: list[tuple[Path, bytes]] = []

    def pdf(html: str) -> bytes:
        from .pdf import render_pdf

        return render_pdf(
            html,
            base_dir=record.folder,
            allowed=allowed,
            created=created,
            identifier=record.id,
            timeout=options.timeout,
        )

    if options.format in ("html", "pdf", "all"):
        changes = None
        if options.changes_since is not None:
            from .changes import changes_since

            changes = changes_since(record, options.changes_since)
        html = render_book(record, env, options.render, describe_build(version), changes)
        if options.format in ("html", "all"):
            outputs.append((folder / "book.html", html.encode("utf-8")))
        if options.format in ("pdf", "all"):
            outputs.append((folder / "book.pdf", pdf(html)))
    return outputs + render_protocol_material(record, env, folder, options, pdf)


def render_protocol_material(
    record: MeetingRecord,
    env: jinja2.Environment,
    folder: Path,
    options: BuildOptions,
    pdf: Callable[[str], bytes],
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
