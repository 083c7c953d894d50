"""Print problems for people (text), for GitHub Actions, or as JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

import click

from briefgen.errors import Problem, display_path
from briefgen.schema.choices import ReportFormat


def format_text(problem: Problem, color: bool) -> str:
    """``file:line:col: error: message; hint [BG201]``, severity coloured on a terminal."""
    line = problem.format()
    if not color:
        return line
    label = f"{problem.severity}:"
    styled = click.style(label, fg="red" if problem.severity == "error" else "yellow", bold=True)
    return line.replace(label, styled, 1)


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


def emit(problems: Sequence[Problem], fmt: ReportFormat) -> None:
    """Write ``problems``: text to stderr, github commands and JSON to stdout."""
    if fmt == "json":
        click.echo(to_json(problems))
    elif fmt == "github":
        for problem in problems:
            click.echo(format_github(problem))
    else:
        color = sys.stderr.isatty()
        for problem in problems:
            click.echo(format_text(problem, color), err=True, color=color)
