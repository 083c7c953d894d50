"""Print problems for people (text), for GitHub Actions, or as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import click

from briefgen.errors import Problem, display_path
from briefgen.schema.choices import ReportFormat

if TYPE_CHECKING:
    from rich.text import Text


class Output(Protocol):
    """What the commands print through: a rich ``Console``, or
    :class:`~briefgen.cli.common.PlainOutput` off a terminal."""

    is_interactive: bool

    def print(self, message: Any, *, style: str | None = None) -> None: ...


def format_text(problem: Problem) -> Text:
    """``file:line:col: error: message; hint [BG201]``, the severity styled for a terminal."""
    from rich.text import Text

    line = problem.format()
    text = Text(line)
    label = f"{problem.severity}:"
    at = line.find(label)
    if at >= 0:
        style = "bold red" if problem.severity == "error" else "bold yellow"
        text.stylize(style, at, at + len(label))
    return text


def _escape_github(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def format_github(problem: Problem) -> str:
    """A workflow command that annotates the pull request at the offending line."""
    file = _escape_github(display_path(problem.file), prop=True)
    title = _escape_github(f"{problem.code} {problem.slug}", prop=True)
    location = f"file={file},line={max(problem.line, 1)},col={max(problem.col, 1)}"
    return f"::{problem.severity} {location},title={title}::{_escape_github(problem.text())}"


def to_json(problems: Sequence[Problem]) -> str:
    return json.dumps(
        [
            {
                "file": display_path(p.file),
                "line": p.line,
                "col": p.col,
                "severity": p.severity,
                "code": p.code,
                "slug": p.slug,
                "message": p.message,
                "hint": p.hint,
            }
            for p in problems
        ],
        indent=2,
        ensure_ascii=False,
    )


def emit(problems: Sequence[Problem], fmt: ReportFormat, console: Output) -> None:
    """Write ``problems``: text through ``console`` (stderr), github commands and JSON to stdout.

    Machine formats stay plain whatever ``FORCE_COLOR`` says.
    """
    if fmt == "json":
        click.echo(to_json(problems))
    elif fmt == "github":
        for problem in problems:
            click.echo(format_github(problem))
    else:
        for problem in problems:
            console.print(format_text(problem))
