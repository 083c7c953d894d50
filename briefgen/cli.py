"""The ``briefgen`` command: a thin layer over the library.

Exit codes: 0 success, 1 invalid input or failed build, 2 usage error.
Heavy modules (WeasyPrint above all) are imported inside the commands that
need them, so ``check`` stays fast.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import BriefgenError, Problem, ValidationFailed

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_DATA = Path("delegations")


def _report(problems: Sequence[Problem]) -> None:
    for problem in problems:
        click.echo(problem.format(), err=True)


def handle_user_errors(command: F) -> F:
    """Turn every :class:`BriefgenError` into messages on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ValidationFailed as exc:
            _report(exc.problems)
            errors = sum(1 for p in exc.problems if p.severity == "error")
            click.echo(f"{errors} error(s) found; nothing was built.", err=True)
            sys.exit(1)
        except BriefgenError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefgen")
def main() -> None:
    """Briefing books for meetings and delegations, from YAML to HTML and PDF."""


def _existing(path: Path) -> Path:
    if not path.exists():
        raise click.UsageError(f"'{path}' does not exist")
    return path


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path, file_okay=False))
@handle_user_errors
def check(path: Path | None) -> None:
    """Validate every meeting and person below PATH (default: delegations).

    PATH may also be a single meeting folder.  Problems are printed as
    file:line:col: error: message.  Exit 0 when valid, 1 when not.
    """
    from .load import find_root, load_project

    root, meetings = find_root(_existing(path or DEFAULT_DATA))
    project = load_project(root, meetings, all_people=True)
    _report(project.warnings)
    people = len(project.people)
    click.echo(f"ok: {len(project.meetings)} meeting(s), {people} people checked.")


@main.command()
@click.argument("meetings", nargs=-1, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf", "all"]),
    default="all",
    show_default=True,
    help="Which outputs to write.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Output folder; each meeting goes to OUT/<meeting-id>/.",
)
@click.option("--family-caps", is_flag=True, help="Print family names in capitals.")
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default="a4",
    show_default=True,
    help="Paper size of the PDF.",
)
@handle_user_errors
def build(
    meetings: tuple[Path, ...], fmt: str, out_dir: Path, family_caps: bool, paper: str
) -> None:
    """Build the briefing book of each MEETING folder (default: all under delegations).

    Writes OUT/<meeting-id>/<meeting-id>-briefing-book.html (self-contained)
    and .pdf.  The cover's version line gives the build date and, when the
    data is in a git repository, the commit.  Invalid input is reported like
    `check` does and nothing is written.
    """
    from .build import BuildOptions, build_project
    from .load import find_root, load_project
    from .render import RenderOptions

    targets = [_existing(m) for m in meetings] or [_existing(DEFAULT_DATA)]
    groups: dict[Path, list[Path] | None] = {}
    for target in targets:
        root, folders = find_root(target)
        if folders is None or groups.get(root, []) is None:
            groups[root] = None
        else:
            groups.setdefault(root, []).extend(folders)  # type: ignore[union-attr]
    options = BuildOptions(
        out_dir=out_dir,
        format=fmt,  # type: ignore[arg-type]
        render=RenderOptions(family_caps=family_caps, paper=paper),  # type: ignore[arg-type]
    )
    projects = [load_project(root, folders, all_people=False) for root, folders in groups.items()]
    written: list[Path] = []
    for project in projects:
        _report(project.warnings)
        written += build_project(project, options)
    for path in written:
        click.echo(f"wrote {path}")


@main.command()
def schema() -> None:
    """Print the JSON Schema of the data files as one JSON document.

    The document's "$defs" holds one schema per file kind: "Person"
    (people/<id>.yaml), "Delegation" (<meeting>/<delegation>.yaml) and
    "Meeting" (<meeting>/meeting.yaml), plus the parts they share.  Its
    top-level "anyOf" accepts any of the three, so editors can use it for
    every file; point an editor at "#/$defs/Person" etc. for one kind.
    """
    from .schema import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
