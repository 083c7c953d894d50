"""What the commands share: the error handler, exit codes, the console and the option groups.

Exit codes: 0 success, 1 invalid input or failed build, 2 usage error.
"""

from __future__ import annotations

import difflib
import functools
import gc
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

import click

from briefgen.cli.report import Output, emit
from briefgen.errors import BriefgenError, BuildFailed, Problem, ValidationFailed, printable
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.schema.choices import Paper, ThemeName, names

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_DATA = Path("delegations")
#: Where -q/-v leave their choice, in the click context shared by a command and its group.
_VERBOSITY = "briefgen.verbosity"
QUIET, NORMAL, VERBOSE = -1, 0, 1


class PlainOutput:
    """The console for a stream that is not a terminal, when no variable asks for colour
    or a terminal: each message written as it is, a line at a time, as rich would write it
    there (no markup, no wrapping, nothing live).  rich is not imported for it: 0.015 s of
    every command whose output goes to a file, a pipe or a CI log."""

    is_interactive = False

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr

    def print(self, message: Any, *, style: str | None = None) -> None:
        del style  # no colour, no attributes, on a stream that is not a terminal
        stream = sys.stderr if self._stderr else sys.stdout
        stream.write(f"{message}\n")
        stream.flush()


#: The variables with which rich may treat a stream that is not a terminal as one.
_TERMINAL_VARIABLES = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


def make_console(*, stderr: bool = True) -> Output:
    """The console every message, problem and progress display goes through.

    rich honours ``NO_COLOR`` (no colour even on a terminal) and
    ``FORCE_COLOR`` (colour even when piped).  A forced colour makes a CI log
    colourful, not a terminal: live displays stay off unless the stream is a
    terminal (or ``TTY_INTERACTIVE=1``).  Text is printed as given: no markup,
    no highlighting, no wrapping.  A stream that is not a terminal, with none of
    those variables set, gets :class:`PlainOutput`, which prints the same text.
    """
    terminal = _isatty(sys.stderr if stderr else sys.stdout)
    if not terminal and not any(name in os.environ for name in _TERMINAL_VARIABLES):
        return PlainOutput(stderr=stderr)
    from rich.console import Console

    interactive = None
    if "TTY_INTERACTIVE" not in os.environ and not terminal:
        interactive = False
    return Console(
        stderr=stderr,
        force_interactive=interactive,
        markup=False,
        highlight=False,
        emoji=False,
        soft_wrap=True,
    )


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def verbosity() -> int:
    """:data:`QUIET`, :data:`NORMAL` or :data:`VERBOSE`, as -q/-v chose for this command."""
    ctx = click.get_current_context(silent=True)
    return int(ctx.meta.get(_VERBOSITY, NORMAL)) if ctx is not None else NORMAL


def say(message: str, *, err: bool = False) -> None:
    """A message for people (what was written, a summary); silent with -q."""
    if verbosity() > QUIET:
        make_console(stderr=err).print(message)


def runs_once(command: F) -> F:
    """A command that runs once and ends (``check``, ``build``): it imports what it uses
    with the cyclic garbage collector paused, until :func:`settle_imports`.

    Importing allocates hundreds of thousands of objects that live until the process
    ends (pydantic's schemas and validators, Jinja, Babel), and the collector, triggered
    by the count of allocations, walked them again and again as they came: about 0.03 s
    of the 0.3 s an HTML build of the example spends importing.  However the command
    ends, collection is back on afterwards (the tests run commands in their own process).
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gc.disable()
        try:
            return command(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper  # type: ignore[return-value]


def settle_imports() -> None:
    """Take every object alive now out of the cyclic garbage collector's sight, for the
    rest of a command that runs once and ends (``check``, ``build``), and collect again
    from here on (see :func:`runs_once`).

    By then the command has imported what it uses: hundreds of thousands of objects
    (pydantic's schemas, Jinja, Babel) that live until the process ends.  Each full
    collection walked them again, and so did the one the interpreter makes when it
    exits: 0.05-0.15 s CPU of an HTML build of the example.  Frozen objects are still
    freed when nothing refers to them; only cycles among them are not, which a process
    about to end does not miss.  The preview server, which runs on, does not call this.
    """
    gc.freeze()
    gc.enable()


def step(message: str, started: float) -> None:
    """With -v: one step done, with the seconds since ``started`` (``time.perf_counter``)."""
    if verbosity() >= VERBOSE:
        make_console().print(f"{message} ({time.perf_counter() - started:.2f} s)", style="dim")


def fail(message: str) -> None:
    """An error message on stderr, whatever -q says."""
    from rich.text import Text

    text = Text("error:", style="bold red")
    text.append(f" {printable(message, keep_newlines=True)}", style=None)
    make_console().print(text)


def shown(problems: Sequence[Problem], *, strict: bool = False) -> list[Problem]:
    """The problems to print: with -q only errors (and warnings too when they fail the run)."""
    if verbosity() > QUIET or strict:
        return list(problems)
    return [p for p in problems if p.severity == "error"]


def handle_user_errors(command: F) -> F:
    """Turn every :class:`BriefgenError` into messages on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BuildFailed as exc:
            emit(exc.problems, "text", make_console())
            fail(str(exc))
            sys.exit(1)
        except ValidationFailed as exc:
            emit(exc.problems, "text", make_console())
            errors = sum(1 for p in exc.problems if p.severity == "error")
            make_console().print(f"{errors} error(s) found; nothing was built.")
            sys.exit(1)
        except BriefgenError as exc:
            fail(str(exc))
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _remember_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value:
        return
    level = QUIET if param.name == "quiet" else VERBOSE
    if ctx.meta.get(_VERBOSITY, level) != level:
        raise click.UsageError("-q/--quiet and -v/--verbose contradict each other; choose one")
    ctx.meta[_VERBOSITY] = level


def output_options(command: F) -> F:
    """-q/--quiet and -v/--verbose, on every command."""
    command = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=_remember_verbosity,
        help="Also print each step with its time.",
    )(command)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_remember_verbosity,
        help="Print errors only.",
    )(command)


#: The limits ``--limit KEY=VALUE`` can set: every field of Limits but the PDF
#: timeout, which is ``build --timeout``.
LIMIT_KEYS = tuple(f.name for f in fields(Limits) if f.name != "timeout")
#: The flags of earlier releases, kept hidden for one release: flag, Limits field.
_OLD_LIMIT_FLAGS = (
    ("--max-file-bytes", "file_bytes"),
    ("--max-text-chars", "text_chars"),
    ("--max-people", "people_per_meeting"),
    ("--max-image-bytes", "image_bytes"),
    ("--max-image-pixels", "image_pixels"),
    ("--max-attachment-bytes", "attachment_bytes"),
)


def parse_limit(value: str) -> tuple[str, int]:
    """``KEY=VALUE`` → (Limits field, positive int); a usage error says what is wrong."""
    key, sep, number = value.partition("=")
    key = key.strip().lower().replace("-", "_")
    if not sep:
        raise click.BadParameter(
            f"'{value}' is not KEY=VALUE; write e.g. --limit people_per_meeting=5000",
            param_hint="--limit",
        )
    if key not in LIMIT_KEYS:
        close = [k for k in LIMIT_KEYS if key and key in k] or difflib.get_close_matches(
            key, LIMIT_KEYS, n=1
        )
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise click.BadParameter(
            f"unknown limit '{key}'; {hint}the limits are {', '.join(LIMIT_KEYS)}",
            param_hint="--limit",
        )
    try:
        amount = int(number.strip())
    except ValueError:
        amount = 0
    if amount < 1:
        raise click.BadParameter(
            f"{key}: '{number}' is not a whole number of 1 or more", param_hint="--limit"
        )
    return key, amount


def _parse_limits(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    return dict(parse_limit(value) for value in values)


def _short(number: int) -> str:
    """``50_000_000`` as ``50M``, ``2_000`` as ``2k``: the --limit help stays short."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if number >= size and number % size == 0:
            return f"{number // size}{suffix}"
    return str(number)


def limit_options(command: F) -> F:
    """``--limit KEY=VALUE`` (repeatable), which raises or lowers a limit on input."""
    for flag, field in reversed(_OLD_LIMIT_FLAGS):
        command = click.option(
            flag, f"limit_{field}", type=click.IntRange(1), default=None, hidden=True
        )(command)
    defaults = ", ".join(f"{key}={_short(getattr(DEFAULT_LIMITS, key))}" for key in LIMIT_KEYS)
    return click.option(
        "--limit",
        "limit_choices",
        multiple=True,
        metavar="KEY=VALUE",
        callback=_parse_limits,
        help=f"Raise or lower a limit; repeatable. Keys and defaults: {defaults}.",
    )(command)


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
        help="Built-in look: default (A4, serif, topics from a new page) or compact "
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
    """The Limits chosen on the command line (removing their options from ``kwargs``).

    ``--limit`` wins over the hidden ``--max-*`` flags of earlier releases.
    """
    old = {field: kwargs.pop(f"limit_{field}") for _, field in _OLD_LIMIT_FLAGS}
    chosen = {field: value for field, value in old.items() if value is not None}
    chosen.update(kwargs.pop("limit_choices"))
    return Limits(**chosen, **extra)


def existing(path: Path) -> Path:
    if not path.exists():
        raise click.UsageError(f"'{path}' does not exist")
    return path
