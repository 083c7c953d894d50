"""Orchestrate a build: load, render every output in memory, then write them all.

Nothing is written until every requested output of every meeting has been
produced, so invalid input or a failed render leaves earlier outputs intact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from jinja2 import Environment

from .load import MeetingRecord, Project
from .output import write_atomic
from .render import RenderOptions, builtin_templates, make_environment, render_book

Format = Literal["html", "pdf", "seating", "cards", "pocket", "all"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "seating", "cards", "pocket", "all")


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where."""

    out_dir: Path = Path("build")
    format: Format = "all"
    render: RenderOptions = field(default_factory=RenderOptions)
    template_dir: Path | None = None


def output_folder(out_dir: Path, record: MeetingRecord) -> Path:
    return out_dir / record.id


def build_project(
    project: Project, options: BuildOptions, meetings: Sequence[MeetingRecord] | None = None
) -> list[Path]:
    """Build the books of ``meetings`` (default: all in the project); return the paths written."""
    env = make_environment(options.template_dir)
    pending: list[tuple[Path, bytes]] = []
    for record in meetings if meetings is not None else project.meetings:
        folder = output_folder(options.out_dir, record)
        allowed = [
            project.root / "people",
            record.folder,
            options.template_dir or builtin_templates(),
        ]
        if options.format in ("html", "pdf", "all"):
            html = render_book(record, env, options.render)
        if options.format in ("html", "all"):
            pending.append((folder / "book.html", html.encode("utf-8")))
        if options.format in ("pdf", "all"):
            from .pdf import render_pdf

            pending.append(
                (folder / "book.pdf", render_pdf(html, base_dir=record.folder, allowed=allowed))
            )
        pending += render_protocol_material(record, env, options.format, folder, allowed)
    for path, data in pending:
        write_atomic(path, data)
    return [path for path, _ in pending]


def render_protocol_material(
    record: MeetingRecord, env: Environment, fmt: Format, folder: Path, allowed: list[Path]
) -> list[tuple[Path, bytes]]:
    """The seating plan SVG, place cards and pocket list that ``fmt`` asks for, in memory."""
    from .protocol_render import render_place_cards, render_pocket, render_seating_svg

    outputs: list[tuple[Path, bytes]] = []
    if fmt in ("seating", "all"):
        outputs.append((folder / "seating.svg", render_seating_svg(record).encode("utf-8")))
    for kind, name, render in (
        ("cards", "place-cards.pdf", render_place_cards),
        ("pocket", "pocket.pdf", render_pocket),
    ):
        if fmt in (kind, "all"):
            from .pdf import render_pdf

            html = render(record, env)
            outputs.append(
                (folder / name, render_pdf(html, base_dir=record.folder, allowed=allowed))
            )
    return outputs
