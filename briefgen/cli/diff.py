"""``briefgen diff``: what changed in a meeting between two git revisions."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen.cli.report import emit
from briefgen.errors import BriefgenError
from briefgen.schema.choices import DiffFormat, names

if TYPE_CHECKING:
    pass

from briefgen.cli.common import (
    DEFAULT_DATA,
    handle_user_errors,
    limit_options,
    make_console,
    make_limits,
    output_options,
    step,
)


@click.command()
@click.argument("args", nargs=-1, metavar="REV [REV2] [MEETING_DIR]")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(names(DiffFormat)),
    default="text",
    show_default=True,
    help="text for people, markdown for a pull-request comment, json for machines.",
)
@limit_options
@output_options
@handle_user_errors
def diff(args: tuple[str, ...], fmt: DiffFormat, **kwargs: Any) -> None:
    """What changed in a meeting between git revision REV and REV2 (default: the working tree).

    MEETING_DIR is a meeting folder, or a data folder for all its meetings
    (default: delegations).  Changes are listed in book order, the marking
    first: people added, removed or moved in precedence, roles, offices,
    names, photos, programme times, objectives, points to make and
    if-raised lines (edits shown word by word: [-old-] {+new+}).
    """
    from briefgen.errors import InvalidAtRevision
    from briefgen.vcs.diffreport import MeetingChanges, format_changes
    from briefgen.vcs.gitinfo import find_repository
    from briefgen.vcs.snapshot import compare_meeting, open_revision, select_meetings

    old_name, new_name, target = _diff_arguments(args)
    limits = make_limits(kwargs)
    existing = next(p for p in (target.absolute(), *target.absolute().parents) if p.exists())
    repo = find_repository(existing)
    if repo is None:
        raise BriefgenError(
            f"{target} is not in a git repository; diff compares versions committed to git"
        )
    try:
        relative = repo.relative(target)
    except ValueError:
        raise BriefgenError(f"{target} is outside the git repository at {repo.top}") from None
    old = open_revision(repo, old_name)
    new = open_revision(repo, new_name)
    paths, single = select_meetings(repo, new, relative)
    results = []
    try:
        for path in paths:
            started = time.perf_counter()
            changes = compare_meeting(repo, old, new, path, limits)
            step(f"compared {path}", started)
            note = None if changes is not None else f"The meeting did not exist at {old.label}."
            if changes is None and single:
                raise BriefgenError(
                    f"the meeting {path} does not exist at {old.label}, not even under another "
                    f"name; choose a revision at which it exists (see: git log -- {path})"
                )
            results.append(MeetingChanges(path.rsplit("/", 1)[-1], tuple(changes or ()), note))
    except InvalidAtRevision as exc:
        emit(exc.problems, "text", make_console())
        errors = sum(1 for p in exc.problems if p.severity == "error")
        make_console().print(
            f"{errors} error(s) in the meeting in {exc.revision}; fix them, or compare "
            "other revisions."
        )
        sys.exit(1)
    click.echo(format_changes(results, old, new, fmt), nl=False)


def _diff_arguments(args: tuple[str, ...]) -> tuple[str, str | None, Path]:
    """Split REV [REV2] [MEETING_DIR]: a second argument naming a folder is MEETING_DIR."""
    if not 1 <= len(args) <= 3:
        raise click.UsageError("give a revision, optionally a second one, then a meeting folder")
    if len(args) == 3:
        return args[0], args[1], Path(args[2])
    if len(args) == 2 and Path(args[1]).is_dir():
        return args[0], None, Path(args[1])
    return args[0], args[1] if len(args) == 2 else None, DEFAULT_DATA
