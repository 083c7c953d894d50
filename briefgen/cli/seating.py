"""``briefgen seating``: the seating plan of a meeting, as text or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen.cli.report import emit

if TYPE_CHECKING:
    pass

from briefgen.cli.common import (
    handle_user_errors,
    limit_options,
    make_console,
    make_limits,
    output_options,
    shown,
)


@click.command()
@click.argument("meeting_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print {"meeting", "sides": [{"delegation", "seats": [{"person", "precedence", '
    '"offset"}]}]}: sides host first, offset 0 the centre seat, positive to the seated '
    "person's own right.  A multilateral plan (three or more delegations, or "
    '\'seating.table\') prints {"meeting", "table", "places", "delegations": '
    '[{"delegation", "number", "offset", "at_table", "interpreter", "behind"}]} '
    "(docs/format.md).",
)
@limit_options
@output_options
@handle_user_errors
def seating(meeting_dir: Path, as_json: bool, **kwargs: Any) -> None:
    """Print the seating plan of the meeting in MEETING_DIR.

    Heads of delegation sit at the centre, opposite each other; the others
    alternate right and left in order of precedence; support staff are not
    seated.  Settings come from 'seating:' in meeting.yaml (docs/format.md).
    Invalid input is reported like `check` does, with exit code 1.
    """
    from briefgen.outputs.coverage import lint_kept
    from briefgen.project.config import MEETING_FILE
    from briefgen.project.load import load_project
    from briefgen.protocol.seating import format_plan, plan_seating, seating_json
    from briefgen.protocol.summit import format_table, is_multilateral, plan_table, table_json

    if not (meeting_dir / MEETING_FILE).is_file():
        raise click.BadParameter(
            f"'{meeting_dir}' is not a meeting folder (it has no {MEETING_FILE})",
            param_hint="MEETING_DIR",
        )
    limits = make_limits(kwargs)
    folder = meeting_dir.resolve()
    project = load_project(folder.parent, [folder], all_people=False, limits=limits)
    emit(shown(lint_kept(project)), "text", make_console())
    [record] = project.meetings
    if is_multilateral(record):
        table = plan_table(record)
        if as_json:
            click.echo(json.dumps(table_json(table), indent=2, ensure_ascii=False))
        else:
            click.echo(format_table(table, record.meeting.title), nl=False)
        return
    plan = plan_seating(record)
    if as_json:
        click.echo(json.dumps(seating_json(plan), indent=2, ensure_ascii=False))
    else:
        click.echo(format_plan(plan, record.meeting.title), nl=False)
