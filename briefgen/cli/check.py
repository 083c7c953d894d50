"""``briefgen check``: validate the data and print every problem, located."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen.cli.report import emit
from briefgen.codes import lookup
from briefgen.errors import BriefgenError, ValidationFailed
from briefgen.schema.choices import ReportFormat, names

if TYPE_CHECKING:
    pass

from briefgen.cli.common import (
    DEFAULT_DATA,
    existing,
    fail,
    limit_options,
    make_console,
    make_limits,
    output_options,
    runs_once,
    say,
    settle_imports,
    shown,
    step,
    template_options,
)


def _warning_codes(values: tuple[str, ...]) -> set[str]:
    codes = set()
    for value in values:
        for name in value.split(","):
            code = lookup(name.strip())
            if code is None:
                raise click.BadParameter(
                    f"unknown code '{name}' (see docs/errors.md)", param_hint="--ignore"
                )
            if code.severity != "warning":
                raise click.BadParameter(
                    f"{code.code} is an error; only warnings can be ignored", param_hint="--ignore"
                )
            codes.add(code.code)
    return codes


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(names(ReportFormat)),
    default="text",
    show_default=True,
    help="text: file:line:col lines on stderr; github: workflow "
    "commands that annotate pull requests; json: a list of problem objects.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--ignore",
    "ignore",
    multiple=True,
    metavar="CODE",
    help="Silence a warning code (BG407) or name (missing-pronunciation); repeatable.",
)
@click.option(
    "--recipients",
    "recipients",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also check a recipients file for numbered copies (see build --recipients).",
)
@template_options
@limit_options
@output_options
@runs_once
def check(
    path: Path | None,
    fmt: ReportFormat,
    strict: bool,
    ignore: tuple[str, ...],
    recipients: Path | None,
    theme: str | None,
    templates: Path | None,
    **kwargs: Any,
) -> None:
    """Validate every meeting and person below PATH (default: delegations).

    PATH may also be a single meeting folder.  Problems are printed as
    file:line:col: error|warning: message [CODE]; the codes are listed in
    docs/errors.md.  A file can silence a warning for itself with a comment
    "# briefgen: ignore BG407".  Exit 0 when valid, 1 when not.
    """
    from briefgen.outputs.coverage import lint_kept
    from briefgen.project.load import find_root, load_project

    settle_imports()

    ignored = _warning_codes(ignore)
    limits = make_limits(kwargs)
    try:
        root, meetings = find_root(existing(path or DEFAULT_DATA))
    except BriefgenError as exc:
        fail(str(exc))
        sys.exit(1)
    started = time.perf_counter()
    try:
        project = load_project(
            root, meetings, all_people=True, limits=limits, templates=templates, theme=theme
        )
        step(f"read and validated {root}", started)
        started = time.perf_counter()
        problems = lint_kept(project)
        step("linted", started)
        meetings_ok, people = len(project.meetings), len(project.people)
    except ValidationFailed as exc:
        problems, meetings_ok, people = exc.problems, 0, 0
    if recipients is not None:
        from briefgen.project.recipients import check_recipients

        problems = [*problems, *check_recipients(existing(recipients), limits)]
    problems = [p for p in problems if p.code not in ignored]
    emit(shown(problems, strict=strict), fmt, make_console())
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if fmt == "text":
        if errors:
            make_console().print(f"{errors} error(s), {warnings} warning(s).")
        else:
            say(
                f"ok: {meetings_ok} meeting(s), {people} people checked"
                + (f", {warnings} warning(s)." if warnings else ".")
            )
    if errors or (strict and warnings):
        sys.exit(1)
