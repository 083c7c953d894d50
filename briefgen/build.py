"""Orchestrate a build: load, render every output in memory, then write them all.

Nothing is written until every requested output of every meeting has been
produced, so invalid input or a failed render leaves earlier outputs intact.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import jinja2

from .errors import RenderError
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


def output_folder(out_dir: Path, record: MeetingRecord) -> Path:
    return out_dir / record.id


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
    folder = output_folder(options.out_dir, record)
    allowed = [project.root / "people", record.folder, options.template_dir or builtin_templates()]
    outputs: list[tuple[Path, bytes]] = []
    if options.format in ("html", "pdf", "all"):
        html = render_book(record, env, options.render, describe_build(record.folder))
        if options.format in ("html", "all"):
            outputs.append((folder / "book.html", html.encode("utf-8")))
        if options.format in ("pdf", "all"):
            outputs.append((folder / "book.pdf", _pdf(html, record, allowed, options)))
    return outputs + render_protocol_material(record, env, folder, allowed, options)


def _pdf(html: str, record: MeetingRecord, allowed: list[Path], options: BuildOptions) -> bytes:
    from .pdf import render_pdf

    return render_pdf(html, base_dir=record.folder, allowed=allowed, timeout=options.timeout)


def render_protocol_material(
    record: MeetingRecord,
    env: jinja2.Environment,
    folder: Path,
    allowed: list[Path],
    options: BuildOptions,
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
            outputs.append((folder / name, _pdf(render(record, env), record, allowed, options)))
    return outputs
