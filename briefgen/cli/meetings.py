"""``briefgen meetings``: the meetings of a data folder, or those a change touches, for CI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from briefgen.cli.common import (
    DEFAULT_DATA,
    existing,
    handle_user_errors,
    limit_options,
    make_limits,
    output_options,
)


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for a CI job matrix.")
@click.option(
    "--changed-since",
    metavar="REV",
    help="Only the meetings whose inputs differ between git revision REV and the working tree.",
)
@limit_options
@output_options
@handle_user_errors
def meetings(path: Path | None, as_json: bool, changed_since: str | None, **kwargs: Any) -> None:
    """Print the meeting ids below PATH (default: delegations), one a line or as JSON.

    A CI workflow feeds the JSON to its job matrix, so each meeting builds in a
    job of its own (docs/github-workflow.yml).  With --changed-since, a change
    to a person's file counts for the meetings that list the person, and a
    change to briefgen.yaml or the templates for every meeting.
    """
    from briefgen.vcs.meetings_json import list_meetings, meetings_json

    ids = list_meetings(existing(path or DEFAULT_DATA), changed_since, limits=make_limits(kwargs))
    if as_json:
        click.echo(meetings_json(ids))
    elif ids:
        click.echo("\n".join(ids))
