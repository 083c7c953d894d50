"""``briefgen build``: the books and protocol material of each meeting."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen.cli.report import emit
from briefgen.errors import BriefgenError, BuildFailed, Problem
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.schema.choices import Format, Paper, PdfVariant, ThemeName, names

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from briefgen.build.uptodate import Planned, Replay, RootRecord
    from briefgen.cli.progress import BuildDisplay
    from briefgen.options import BuildOptions
    from briefgen.project.load import Project
    from briefgen.project.recipients import Recipient

from briefgen.cli.common import (
    DEFAULT_DATA,
    book_options,
    existing,
    handle_user_errors,
    limit_options,
    make_console,
    make_limits,
    output_options,
    runs_once,
    say,
    settle_imports,
    shown,
    verbosity,
)


@click.command()
@click.argument("meetings", nargs=-1, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(names(Format)),
    default="all",
    show_default=True,
    help="Which outputs to write: the book as html or pdf, the seating plan (seating.svg), "
    "place cards (place-cards.pdf), the pocket list (pocket.pdf), all of these, or ics: "
    "the programme as programme.ics (iCalendar), alone.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Output folder; each meeting goes to OUT/<meeting-id>/.",
)
@book_options
@click.option(
    "--timeout",
    type=click.FloatRange(0),
    default=DEFAULT_LIMITS.timeout,
    show_default=True,
    help="Seconds allowed to lay out one meeting's PDF; 0: no limit.",
)
@click.option(
    "--final",
    is_flag=True,
    help="Refuse to build unless every input is committed to git (a book to hand out).",
)
@click.option(
    "--changes-since",
    "changes_since",
    metavar="REV",
    help="Add a 'Changes since REV' page after the cover and change bars in the margin.",
)
@click.option(
    "--edition",
    metavar="NAME",
    help="Build the edition NAME of briefgen.yaml: only the items for its audiences, "
    "under OUT/<meeting-id>/edition-NAME/.",
)
@click.option(
    "--copies",
    type=click.IntRange(1),
    help="Number of numbered copies; needs --recipients with exactly that many recipients.",
)
@click.option(
    "--recipients",
    "recipients_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="YAML file of recipients: one PDF per recipient with a copy line and a watermark, "
    "in copies/, with register.csv.",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(names(PdfVariant)),
    help="Archival (PDF/A-3b) or accessible (PDF/UA-1) PDF, tagged, with document language.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Build every output again, even those the build cache says are up to date.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1),
    default=None,
    help="Meetings built at the same time, each in its own process  [default: number of cores]",
)
@limit_options
@output_options
@handle_user_errors
@runs_once
def build(
    meetings: tuple[Path, ...],
    fmt: Format,
    out_dir: Path,
    family_caps: bool | None,
    paper: Paper | None,
    theme: ThemeName | None,
    templates: Path | None,
    timeout: float,
    final: bool,
    changes_since: str | None,
    edition: str | None,
    copies: int | None,
    recipients_file: Path | None,
    pdf_variant: PdfVariant | None,
    force: bool,
    jobs: int | None,
    **kwargs: Any,
) -> None:
    """Build the briefing book of each MEETING folder (default: all under delegations).

    Writes OUT/<meeting-id>/book.html (self-contained), book.pdf, seating.svg,
    place-cards.pdf and pocket.pdf.  The cover's version line gives the build
    date and, when the data is in a git repository, the commit.  Invalid input
    is reported like `check` does and nothing is written.

    With --copies N --recipients FILE, writes OUT/<meeting-id>/copies/ with
    one PDF per recipient ("Copy k of N — name" in the page furniture and a
    watermark) and register.csv; only PDFs are made.

    Outputs whose inputs did not change are not built again: the cache in
    OUT/.briefgen-cache/ is safe to delete, and --force ignores it.  When a
    meeting fails to render, the others are still written; the failure names
    the meeting and the exit code is 1.
    """
    from briefgen.build.uptodate import invocation_key, record_build
    from briefgen.cli.progress import BuildDisplay
    from briefgen.outputs.cache import fonts_fingerprint

    fonts = fonts_fingerprint()
    invocation = invocation_key(click.get_current_context().params, fonts)
    if not force and _nothing_to_do(out_dir, invocation):
        return
    processes = jobs or os.cpu_count() or 1
    # The layout processes start before the rest is imported and the data loaded (and before
    # the display's threads): they import the PDF engine meanwhile.
    with _layout_pool(fmt, processes) as pool:
        from briefgen.options import BuildOptions
        from briefgen.render.book import RenderOptions

        settle_imports()
        limits = make_limits(kwargs)
        fmt, recipients = _copies(copies, recipients_file, fmt, limits)
        options = BuildOptions(
            out_dir=out_dir,
            format=fmt,
            render=RenderOptions(family_caps=family_caps, paper=paper),
            timeout=timeout,
            final=final,
            changes_since=changes_since,
            edition=edition,
            pdf_variant=pdf_variant,
            recipients=recipients,
            limits=limits,
            force=force,
            jobs=processes,
        )
        with BuildDisplay(verbosity()) as display:
            roots = [
                load_checked(root, folders, options, (templates, theme), display, fonts)
                for root, folders in group_targets(meetings).items()
            ]
            build_all(roots, options, display, pool)
    if options.cacheable and all(root.trees is not None for root in roots):
        record_build(out_dir, invocation, [root.record() for root in roots])


@dataclass
class LoadedRoot:
    """A data root loaded for a build, and what :mod:`briefgen.build.uptodate` keeps of it."""

    project: Project
    #: Digests of the folders the build reads, taken before it read them (None: not kept).
    trees: dict[str, str] | None
    #: Every problem found (those shown depend on -q).
    problems: list[Problem]
    planned: list[Planned] = field(default_factory=list)

    def record(self) -> RootRecord:
        from briefgen.build.uptodate import RootRecord

        return RootRecord(self.project.root, self.trees or {}, self.problems, self.planned)


def load_checked(
    root: Path,
    folders: list[Path] | None,
    options: BuildOptions,
    looks: tuple[Path | None, ThemeName | None],
    display: BuildDisplay,
    fonts: str,
) -> LoadedRoot:
    """The validate step: load a data folder, print its warnings, check the edition exists.

    ``looks`` are the command line's template folder and theme; the font lint's answers
    come from the user's cache (``fonts``: the fonts fingerprint of the invocation).
    """
    from briefgen.build.uptodate import tree_digests
    from briefgen.options import edition_of
    from briefgen.outputs.coverage import lint_kept
    from briefgen.project.load import load_project
    from briefgen.project.themes import builtin_templates

    with display.validating(str(root)):
        read = [root, *([looks[0]] if looks[0] else []), builtin_templates()]
        trees = tree_digests(read) if options.cacheable else None
        project = load_project(
            root,
            folders,
            all_people=False,
            limits=options.limits,
            templates=looks[0],
            theme=looks[1],
        )
        problems = lint_kept(project, fonts)
        emit(shown(problems), "text", make_console())
        _note_shallow(root)
    try:
        edition_of(project, options.edition)
    except BriefgenError as exc:
        raise click.UsageError(str(exc)) from None
    return LoadedRoot(project, trees, problems)


def _nothing_to_do(out_dir: Path, invocation: str) -> bool:
    """True, having said so, when the last build in ``out_dir`` was this one on the same inputs
    (:func:`~briefgen.build.uptodate.fresh_build`)."""
    from briefgen.build.uptodate import fresh_build
    from briefgen.cli.progress import BuildDisplay

    replays = fresh_build(out_dir, invocation)
    if replays is None:
        return False
    with BuildDisplay(verbosity()) as display:
        replay_up_to_date(replays, out_dir, display)
    return True


def replay_up_to_date(replays: list[Replay], out_dir: Path, display: BuildDisplay) -> None:
    """What a build shows when :func:`~briefgen.build.uptodate.fresh_build` found it a no-op."""
    for replay in replays:
        with display.validating(str(replay.root)):
            emit(shown(replay.problems), "text", make_console())
            _note_shallow(replay.root)
    display.meetings(sum(len(replay.meetings) for replay in replays))
    for replay in replays:
        for meeting in replay.meetings:
            display.skipped(meeting)
    _say_up_to_date(display, out_dir)


def _copies(
    copies: int | None, recipients_file: Path | None, fmt: Format, limits: Limits
) -> tuple[Format, list[Recipient] | None]:
    """The format and recipients of numbered copies; usage errors when they do not fit."""
    if (copies is None) != (recipients_file is None):
        raise click.UsageError("--copies and --recipients go together")
    if copies is None or recipients_file is None:
        return fmt, None
    from briefgen.project.recipients import load_recipients

    ctx = click.get_current_context()
    if ctx.get_parameter_source("fmt") == click.core.ParameterSource.DEFAULT:
        fmt = "pdf"
    elif fmt != "pdf":
        raise click.UsageError("numbered copies are PDFs: use --format pdf with --copies")
    recipients = load_recipients(existing(recipients_file), limits)
    if len(recipients) != copies:
        raise click.UsageError(
            f"--copies {copies} but {recipients_file} lists {len(recipients)} recipient(s)"
        )
    return fmt, recipients


def group_targets(meetings: tuple[Path, ...]) -> dict[Path, list[Path] | None]:
    """The data roots of the MEETING arguments, each with its meetings (``None``: all)."""
    from briefgen.project.load import find_root

    groups: dict[Path, list[Path] | None] = {}
    for target in [existing(m) for m in meetings] or [existing(DEFAULT_DATA)]:
        root, folders = find_root(target)
        known = groups.get(root, [])
        if folders is None or known is None:
            groups[root] = None
        else:
            groups[root] = [*known, *folders]
    return groups


def _layout_pool(fmt: Format, processes: int) -> contextlib.AbstractContextManager[Executor | None]:
    """The processes that lay out PDFs, started now, when the build makes PDFs in parallel."""
    from briefgen.build.files import makes_pdfs

    if processes > 1 and makes_pdfs(fmt):
        from briefgen.build.workers import layout_pool  # multiprocessing: not for HTML

        return layout_pool(processes)
    return contextlib.nullcontext()


def build_all(
    roots: list[LoadedRoot],
    options: BuildOptions,
    display: BuildDisplay,
    pool: Executor | None = None,
) -> None:
    """Build every project, showing progress; raise one BuildFailed for all failures.

    ``pool`` lays out the PDFs (see :func:`_layout_pool`).
    """
    from briefgen.build.run import build_project

    written: list[Path] = []
    failures: list[str] = []
    problems: list[Problem] = []
    display.meetings(sum(len(r.project.meetings) for r in roots))
    for root in roots:
        try:
            written += build_project(
                root.project, options, progress=display, planned=root.planned.append, pool=pool
            )
        except BuildFailed as exc:
            written += exc.written
            failures += exc.failures
            problems += exc.problems
    _say_up_to_date(display, options.out_dir)
    if failures:
        raise BuildFailed(failures, written, problems)


def _say_up_to_date(display: BuildDisplay, out_dir: Path) -> None:
    if display.up_to_date:
        say(
            f"{len(display.up_to_date)} meeting(s) up to date in {out_dir} "
            "(--force builds them again)"
        )


def _note_shallow(root: Path) -> None:
    """Say so when the data is a shallow clone: the version line cannot name the last change."""
    from briefgen.vcs.gitinfo import find_repository

    repo = find_repository(root)
    if repo is not None and repo.shallow:
        click.echo(
            "note: this is a shallow clone, so the last commit that changed each meeting is "
            "unknown: the version line names the checked-out commit without a date; fetch "
            "the full history ('git fetch --unshallow'; in GitHub Actions: actions/checkout "
            "with fetch-depth: 0) for the real version",
            err=True,
        )
