"""The ``briefgen`` command: a thin layer over the library.

Exit codes: 0 success, 1 invalid input or failed build, 2 usage error.
Heavy modules (WeasyPrint above all) are imported inside the commands that
need them, so ``check`` stays fast.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .codes import lookup
from .errors import BriefgenError, ValidationFailed
from .limits import DEFAULT_LIMITS, Limits
from .report import ReportFormat, emit

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_DATA = Path("delegations")


def handle_user_errors(command: F) -> F:
    """Turn every :class:`BriefgenError` into messages on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ValidationFailed as exc:
            emit(exc.problems, "text")
            errors = sum(1 for p in exc.problems if p.severity == "error")
            click.echo(f"{errors} error(s) found; nothing was built.", err=True)
            sys.exit(1)
        except BriefgenError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def limit_options(command: F) -> F:
    """Options that raise or lower the resource limits on input."""
    defaults = DEFAULT_LIMITS
    options = [
        click.option(
            "--max-file-bytes",
            type=click.IntRange(1),
            default=defaults.file_bytes,
            show_default=True,
            help="Largest YAML file accepted.",
        ),
        click.option(
            "--max-text-chars",
            type=click.IntRange(1),
            default=defaults.text_chars,
            show_default=True,
            help="Longest text value (a bio, a background).",
        ),
        click.option(
            "--max-people",
            type=click.IntRange(1),
            default=defaults.people_per_meeting,
            show_default=True,
            help="Most people in one meeting.",
        ),
        click.option(
            "--max-image-bytes",
            type=click.IntRange(1),
            default=defaults.image_bytes,
            show_default=True,
            help="Largest photo file.",
        ),
        click.option(
            "--max-image-pixels",
            type=click.IntRange(1),
            default=defaults.image_pixels,
            show_default=True,
            help="Most pixels (width × height) in a photo.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def make_limits(kwargs: dict[str, Any], **extra: Any) -> Limits:
    return Limits(
        file_bytes=kwargs.pop("max_file_bytes"),
        text_chars=kwargs.pop("max_text_chars"),
        people_per_meeting=kwargs.pop("max_people"),
        image_bytes=kwargs.pop("max_image_bytes"),
        image_pixels=kwargs.pop("max_image_pixels"),
        **extra,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefgen")
def main() -> None:
    """Briefing books for meetings and delegations, from YAML to HTML and PDF."""


def _existing(path: Path) -> Path:
    if not path.exists():
        raise click.UsageError(f"'{path}' does not exist")
    return path


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


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json"]),
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
@limit_options
def check(
    path: Path | None, fmt: ReportFormat, strict: bool, ignore: tuple[str, ...], **kwargs: Any
) -> None:
    """Validate every meeting and person below PATH (default: delegations).

    PATH may also be a single meeting folder.  Problems are printed as
    file:line:col: error|warning: message [CODE]; the codes are listed in
    docs/errors.md.  A file can silence a warning for itself with a comment
    "# briefgen: ignore BG407".  Exit 0 when valid, 1 when not.
    """
    from .load import find_root, load_project

    ignored = _warning_codes(ignore)
    limits = make_limits(kwargs)
    try:
        root, meetings = find_root(_existing(path or DEFAULT_DATA))
    except BriefgenError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    try:
        project = load_project(root, meetings, all_people=True, limits=limits)
        problems, meetings_ok, people = project.warnings, len(project.meetings), len(project.people)
    except ValidationFailed as exc:
        problems, meetings_ok, people = exc.problems, 0, 0
    problems = [p for p in problems if p.code not in ignored]
    emit(problems, fmt)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if fmt == "text":
        if errors:
            click.echo(f"{errors} error(s), {warnings} warning(s).", err=True)
        else:
            click.echo(
                f"ok: {meetings_ok} meeting(s), {people} people checked"
                + (f", {warnings} warning(s)." if warnings else ".")
            )
    if errors or (strict and warnings):
        sys.exit(1)


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
@click.option(
    "--timeout",
    type=click.FloatRange(0),
    default=DEFAULT_LIMITS.timeout,
    show_default=True,
    help="Seconds allowed to lay out one meeting's PDF; 0: no limit.",
)
@limit_options
@handle_user_errors
def build(
    meetings: tuple[Path, ...],
    fmt: str,
    out_dir: Path,
    family_caps: bool,
    paper: str,
    timeout: float,
    **kwargs: Any,
) -> None:
    """Build the briefing book of each MEETING folder (default: all under delegations).

    Writes OUT/<meeting-id>/book.html (self-contained) and book.pdf.  The
    cover's version line gives the build date and, when the data is in a git
    repository, the commit.  Invalid input is reported like
    `check` does and nothing is written.
    """
    from .build import BuildOptions, build_project
    from .load import find_root, load_project
    from .render import RenderOptions

    limits = make_limits(kwargs)
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
        timeout=timeout,
    )
    projects = [
        load_project(root, folders, all_people=False, limits=limits)
        for root, folders in groups.items()
    ]
    written: list[Path] = []
    for project in projects:
        emit(project.warnings, "text")
        written += build_project(project, options)
    for path in written:
        click.echo(f"wrote {path}")


@main.command()
@click.argument("meeting_dir", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but 127.0.0.1 lets other machines read the books.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the index in a web browser.")
@click.option("--family-caps", is_flag=True, help="Print family names in capitals.")
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default="a4",
    show_default=True,
    help="Paper size of the PDF.",
)
@limit_options
@handle_user_errors
def serve(
    meeting_dir: Path | None,
    port: int,
    host: str,
    open_browser: bool,
    family_caps: bool,
    paper: str,
    **kwargs: Any,
) -> None:
    """Preview the books in a browser, rebuilt and reloaded on every save.

    Serves an index of the meetings under MEETING_DIR (default: delegations;
    a single meeting folder works too) and each meeting's book.  Saving a
    data file or a template rebuilds the books it touches and reloads the
    open pages; a bad edit shows the errors in place of the book until it is
    fixed.  Each meeting has a PDF link that lays the PDF out on demand.
    Stop with Ctrl-C.
    """
    from .render import RenderOptions
    from .serve import PreviewServer, ServeOptions, serve_until_signal

    options = ServeOptions(
        host=host,
        port=port,
        render=RenderOptions(family_caps=family_caps, paper=paper),  # type: ignore[arg-type]
        limits=make_limits(kwargs),
    )

    def log(message: str) -> None:
        click.echo(message, err=True)

    server = PreviewServer(_existing(meeting_dir or DEFAULT_DATA), options, log)

    def announce() -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            log(f"warning: listening on {host}: other machines can read these books.")
        log(f"Serving {server.url} (Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)

    serve_until_signal(server, on_start=announce)
    log("Stopped.")


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write person.schema.json, delegation.schema.json, meeting.schema.json and "
    "config.schema.json into this folder instead of printing one document.",
)
def schema(out_dir: Path | None) -> None:
    """Print the JSON Schema of the data files as one JSON document.

    The document's "$defs" holds one schema per file kind: "Person"
    (people/<id>.yaml), "Delegation" (<meeting>/<delegation>.yaml),
    "Meeting" (<meeting>/meeting.yaml) and "ProjectConfig" (briefgen.yaml),
    plus the parts they share.  Its top-level "anyOf" accepts any of them;
    point an editor at "#/$defs/Person" etc. for one kind, or use --out.
    """
    from .output import write_atomic
    from .schema import json_schema, schema_files

    if out_dir is None:
        click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return
    for name, document in schema_files().items():
        path = out_dir / name
        write_atomic(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode())
        click.echo(f"wrote {path}")
