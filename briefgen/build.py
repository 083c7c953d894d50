"""Orchestrate a build: load, render every output in memory, then write them all.

Nothing is written until every requested output of every meeting has been
produced, so invalid input or a failed render leaves earlier outputs intact.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import jinja2

from .errors import RenderError
from .limits import DEFAULT_LIMITS
from .load import MeetingRecord, Project
from .output import write_atomic
from .render import BuildInfo, RenderOptions, make_environment, render_book
from .themes import builtin_templates

Format = Literal["html", "pdf", "all"]


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
    options = project_options(project, options)
    env = make_environment(options.template_dir, options.theme or "default")
    pending: list[tuple[Path, bytes]] = []
    for record in meetings if meetings is not None else project.meetings:
        try:
            pending += render_outputs(project, record, env, options)
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
    project: Project, record: MeetingRecord, env: jinja2.Environment, options: BuildOptions
) -> list[tuple[Path, bytes]]:
    """The files of one meeting as (path, content) pairs, nothing written yet."""
    folder = output_folder(options.out_dir, record)
    html = render_book(record, env, options.render, describe_build(record.folder))
    outputs = []
    if options.format in ("html", "all"):
        outputs.append((folder / "book.html", html.encode("utf-8")))
    if options.format in ("pdf", "all"):
        from .pdf import render_pdf

        allowed = [project.root / "people", record.folder, builtin_templates()]
        if options.template_dir is not None:
            allowed.append(options.template_dir)
        pdf = render_pdf(html, base_dir=record.folder, allowed=allowed, timeout=options.timeout)
        outputs.append((folder / "book.pdf", pdf))
    return outputs
