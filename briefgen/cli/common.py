"""What the commands share: the error handler, exit codes, and the option groups.

Exit codes: 0 success, 1 invalid input or failed build, 2 usage error.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from briefgen.cli.report import emit
from briefgen.errors import BriefgenError, BuildFailed, ValidationFailed, printable
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.schema.choices import Paper, ThemeName, names

if TYPE_CHECKING:
    pass


F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_DATA = Path("delegations")


def handle_user_errors(command: F) -> F:
    """Turn every :class:`BriefgenError` into messages on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BuildFailed as exc:
            emit(exc.problems, "text")
            click.echo(f"error: {printable(str(exc), keep_newlines=True)}", err=True)
            sys.exit(1)
        except ValidationFailed as exc:
            emit(exc.problems, "text")
            errors = sum(1 for p in exc.problems if p.severity == "error")
            click.echo(f"{errors} error(s) found; nothing was built.", err=True)
            sys.exit(1)
        except BriefgenError as exc:
            click.echo(f"error: {printable(str(exc), keep_newlines=True)}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


#: Command-line flags for the resource limits: flag, Limits field, help.
_LIMIT_OPTIONS = (
    ("--max-file-bytes", "file_bytes", "Largest YAML file accepted."),
    ("--max-text-chars", "text_chars", "Longest text value (a bio, a background)."),
    ("--max-people", "people_per_meeting", "Most people in one meeting."),
    ("--max-image-bytes", "image_bytes", "Largest photo file."),
    ("--max-image-pixels", "image_pixels", "Most pixels (width × height) in a photo."),
    ("--max-attachment-bytes", "attachment_bytes", "Largest file attached to the PDF."),
    ("--max-attachments", "attachments", "Most files attached to one meeting's PDF."),
    (
        "--max-attachments-total-bytes",
        "attachments_total_bytes",
        "Most bytes attached to one meeting's PDF, all files together.",
    ),
    ("--max-programme-items", "programme_items", "Most items in one meeting's programme."),
    ("--max-render-chars", "render_chars", "Most characters in one page a template renders."),
)


def limit_options(command: F) -> F:
    """Options that raise or lower the resource limits on input."""
    for flag, field, text in reversed(_LIMIT_OPTIONS):
        command = click.option(
            flag,
            f"limit_{field}",
            type=click.IntRange(1),
            default=getattr(DEFAULT_LIMITS, field),
            show_default=True,
            help=text,
        )(command)
    return command


def template_options(command: F) -> F:
    """--theme and --templates, which override briefgen.yaml."""
    command = click.option(
        "--templates",
        "templates",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        help="Folder whose files override the built-in templates by name (default: "
        "'templates:' in briefgen.yaml, else templates/ in the data folder).",
    )(command)
    return click.option(
        "--theme",
        type=click.Choice(names(ThemeName)),
        help="Built-in look: default (A4, one topic and one person a page) or compact "
        "(US Letter, dense). Default: 'theme:' in briefgen.yaml, else default.",
    )(command)


def book_options(command: F) -> F:
    """The choices that change the book, shared by ``build`` and ``serve``.

    Each defaults to ``None`` (not chosen), so briefgen.yaml and then the theme
    decide, through the one resolver (:func:`briefgen.options.resolve_options`).
    """
    command = template_options(command)
    command = click.option(
        "--paper",
        type=click.Choice(names(Paper)),
        help="Paper size of the PDFs (default: 'paper:' in briefgen.yaml, else the "
        "theme's: a4 for default, letter for compact).",
    )(command)
    return click.option(
        "--family-caps/--no-family-caps",
        default=None,
        help="Print family names in capitals (default: 'family_caps:' in briefgen.yaml, else no).",
    )(command)


def make_limits(kwargs: dict[str, Any], **extra: Any) -> Limits:
    """The Limits chosen on the command line (removing their options from ``kwargs``)."""
    chosen = {field: kwargs.pop(f"limit_{field}") for _, field, _ in _LIMIT_OPTIONS}
    return Limits(**chosen, **extra)


def existing(path: Path) -> Path:
    if not path.exists():
        raise click.UsageError(f"'{path}' does not exist")
    return path
