"""The ``briefgen`` command: a thin layer over the library.

Exit codes: 0 success, 1 invalid input or failed build, 2 usage error.
Heavy modules (WeasyPrint above all) are imported inside the commands that
need them, so ``check`` stays fast.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from briefgen import __version__
from briefgen.cli.report import emit
from briefgen.codes import lookup
from briefgen.errors import BriefgenError, ValidationFailed, printable
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.project.themes import THEME_NAMES
from briefgen.schema.choices import DiffFormat, Format, Paper, PdfVariant, ReportFormat, names

if TYPE_CHECKING:
    from briefgen.build.run import Progress

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
        help="Folder whose files override the built-in templates by name "
        "(default: 'templates:' in briefgen.yaml, else templates/ in the data folder).",
    )(command)
    return click.option(
        "--theme",
        type=click.Choice(list(THEME_NAMES)),
        help="Built-in look: default (A4, one topic and one person a page) or compact "
        "(US Letter, dense). Default: 'theme:' in briefgen.yaml, else default.",
    )(command)


def make_limits(kwargs: dict[str, Any], **extra: Any) -> Limits:
    """The Limits chosen on the command line (removing their options from ``kwargs``)."""
    chosen = {field: kwargs.pop(f"limit_{field}") for _, field, _ in _LIMIT_OPTIONS}
    return Limits(**chosen, **extra)


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
    from briefgen.lint import check_project
    from briefgen.project.load import find_root, load_project

    ignored = _warning_codes(ignore)
    limits = make_limits(kwargs)
    try:
        root, meetings = find_root(_existing(path or DEFAULT_DATA))
    except BriefgenError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    try:
        project = load_project(
            root, meetings, all_people=True, limits=limits, templates=templates, theme=theme
        )
        problems = check_project(project)
        meetings_ok, people = len(project.meetings), len(project.people)
    except ValidationFailed as exc:
        problems, meetings_ok, people = exc.problems, 0, 0
    if recipients is not None:
        from briefgen.project.recipients import check_recipients

        problems = [*problems, *check_recipients(_existing(recipients), limits)]
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
    type=click.Choice(names(Format)),
    default="all",
    show_default=True,
    help="Which outputs to write: the book as html or pdf, the seating plan (seating.svg), "
    "place cards (place-cards.pdf), the pocket list (pocket.pdf), all of these, or ics: "
    "the programme as programme.ics (iCalendar), alone.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Output folder; each meeting goes to OUT/<meeting-id>/.",
)
@click.option(
    "--family-caps/--no-family-caps",
    default=None,
    help="Print family names in capitals (default: 'family_caps:' in briefgen.yaml, else no).",
)
@click.option(
    "--paper",
    type=click.Choice(names(Paper)),
    help="Paper size of the PDF (default: 'paper:' in briefgen.yaml, else the theme's: "
    "a4 for default, letter for compact).",
)
@template_options
@click.option(
    "--timeout",
    type=click.FloatRange(0),
    default=DEFAULT_LIMITS.timeout,
    show_default=True,
    help="Seconds allowed to lay out one meeting's PDF; 0: no limit.",
)
@click.option(
    "--final",
    is_flag=True,
    help="Refuse to build unless every input is committed to git (a book to hand out).",
)
@click.option(
    "--changes-since",
    "changes_since",
    metavar="REV",
    help="Add a 'Changes since REV' page after the cover and change bars in the margin.",
)
@click.option(
    "--edition",
    metavar="NAME",
    help="Build the edition NAME of briefgen.yaml: only the items for its audiences, "
    "under OUT/<meeting-id>/edition-NAME/.",
)
@click.option(
    "--copies",
    type=click.IntRange(1),
    help="Number of numbered copies; needs --recipients with exactly that many recipients.",
)
@click.option(
    "--recipients",
    "recipients_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="YAML file of recipients: one PDF per recipient with a copy line and a watermark, "
    "in copies/, with register.csv.",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(names(PdfVariant)),
    help="Archival (PDF/A-3b) or accessible (PDF/UA-1) PDF, tagged, with document language.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Build every output again, even those the build cache says are up to date.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1),
    default=None,
    help="Meetings built at the same time, each in its own process  [default: number of cores]",
)
@limit_options
@handle_user_errors
def build(
    meetings: tuple[Path, ...],
    fmt: str,
    out_dir: Path,
    family_caps: bool | None,
    paper: str | None,
    theme: str | None,
    templates: Path | None,
    timeout: float,
    final: bool,
    changes_since: str | None,
    edition: str | None,
    copies: int | None,
    recipients_file: Path | None,
    pdf_variant: str | None,
    force: bool,
    jobs: int | None,
    **kwargs: Any,
) -> None:
    """Build the briefing book of each MEETING folder (default: all under delegations).

    Writes OUT/<meeting-id>/book.html (self-contained), book.pdf, seating.svg,
    place-cards.pdf and pocket.pdf.  The cover's version line gives the build
    date and, when the data is in a git repository, the commit.  Invalid input
    is reported like `check` does and nothing is written.

    With --copies N --recipients FILE, writes OUT/<meeting-id>/copies/ with
    one PDF per recipient ("Copy k of N — name" in the page furniture and a
    watermark) and register.csv; only PDFs are made.

    Outputs whose inputs did not change are not built again: the cache in
    OUT/.briefgen-cache/ is safe to delete, and --force ignores it.  When a
    meeting fails to render, the others are still written; the failure names
    the meeting and the exit code is 1.
    """
    from briefgen.build.run import build_project
    from briefgen.errors import BuildFailed
    from briefgen.lint import check_project
    from briefgen.options import BuildOptions, edition_of
    from briefgen.project.load import find_root, load_project
    from briefgen.project.recipients import load_recipients
    from briefgen.render.book import RenderOptions

    ctx = click.get_current_context()
    if (copies is None) != (recipients_file is None):
        raise click.UsageError("--copies and --recipients go together")
    if copies is not None:
        if ctx.get_parameter_source("fmt") == click.core.ParameterSource.DEFAULT:
            fmt = "pdf"
        elif fmt != "pdf":
            raise click.UsageError("numbered copies are PDFs: use --format pdf with --copies")
    limits = make_limits(kwargs)
    recipients = None
    if recipients_file is not None:
        recipients = load_recipients(_existing(recipients_file), limits)
        if len(recipients) != copies:
            raise click.UsageError(
                f"--copies {copies} but {recipients_file} lists {len(recipients)} recipient(s)"
            )
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
        final=final,
        changes_since=changes_since,
        edition=edition,
        pdf_variant=pdf_variant,  # type: ignore[arg-type]
        recipients=recipients,
        limits=limits,
        force=force,
        jobs=jobs or os.cpu_count() or 1,
    )
    projects = [
        load_project(
            root, folders, all_people=False, limits=limits, templates=templates, theme=theme
        )
        for root, folders in groups.items()
    ]
    for project in projects:
        try:
            edition_of(project, edition)
        except BriefgenError as exc:
            raise click.UsageError(str(exc)) from None
    written: list[Path] = []
    failures: list[str] = []
    current: list[str] = []
    with build_progress(sum(len(p.meetings) for p in projects)) as bar:

        def progress(meeting: str, state: str) -> None:
            if state == "up to date":
                current.append(meeting)
            if bar is not None:
                bar(meeting, state)

        for project in projects:
            emit(check_project(project), "text")
            try:
                written += build_project(project, options, progress=progress)
            except BuildFailed as exc:
                written += exc.written
                failures += exc.failures
    for path in written:
        click.echo(f"wrote {path}")
    if current:
        click.echo(f"{len(current)} meeting(s) up to date in {out_dir} (--force builds them again)")
    if failures:
        raise BuildFailed(failures, written)


@contextmanager
def build_progress(total: int) -> Iterator[Progress | None]:
    """A progress bar on stderr while meetings build; nothing when stderr is not a terminal."""
    if total < 2 or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as Bar

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Bar(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("building", total=total)

        def advance(meeting: str, state: str) -> None:
            bar.update(task, advance=1, description=f"{meeting}: {state}")

        yield advance


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
    type=click.Choice(names(Paper)),
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
    from briefgen.render.book import RenderOptions
    from briefgen.serve.app import PreviewServer, serve_until_signal
    from briefgen.serve.preview import ServeOptions

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
    from briefgen.outputs.atomic import write_atomic
    from briefgen.schema.jsonschema import json_schema, schema_files

    if out_dir is None:
        click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return
    for name, document in schema_files().items():
        path = out_dir / name
        write_atomic(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode())
        click.echo(f"wrote {path}")


@main.command()
@click.argument("meeting_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print {"meeting", "sides": [{"delegation", "seats": [{"person", "precedence", '
    '"offset"}]}]}: sides host first, offset 0 the centre seat, positive to the seated '
    "person's own right.",
)
@limit_options
@handle_user_errors
def seating(meeting_dir: Path, as_json: bool, **kwargs: Any) -> None:
    """Print the seating plan of the meeting in MEETING_DIR.

    Heads of delegation sit at the centre, opposite each other; the others
    alternate right and left in order of precedence; support staff are not
    seated.  Settings come from 'seating:' in meeting.yaml (docs/format.md).
    Invalid input is reported like `check` does, with exit code 1.
    """
    from briefgen.lint import check_project
    from briefgen.project.config import MEETING_FILE
    from briefgen.project.load import load_project
    from briefgen.protocol.seating import format_plan, plan_seating, seating_json

    if not (meeting_dir / MEETING_FILE).is_file():
        raise click.BadParameter(
            f"'{meeting_dir}' is not a meeting folder (it has no {MEETING_FILE})",
            param_hint="MEETING_DIR",
        )
    limits = make_limits(kwargs)
    folder = meeting_dir.resolve()
    project = load_project(folder.parent, [folder], all_people=False, limits=limits)
    emit(check_project(project), "text")
    [record] = project.meetings
    plan = plan_seating(record)
    if as_json:
        click.echo(json.dumps(seating_json(plan), indent=2, ensure_ascii=False))
    else:
        click.echo(format_plan(plan, record.meeting.title), nl=False)


@main.command()
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
@handle_user_errors
def diff(args: tuple[str, ...], fmt: str, **kwargs: Any) -> None:
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
            changes = compare_meeting(repo, old, new, path, limits)
            note = None if changes is not None else f"The meeting did not exist at {old.label}."
            if changes is None and single:
                raise BriefgenError(
                    f"the meeting {path} does not exist at {old.label}, not even under another "
                    f"name; choose a revision at which it exists (see: git log -- {path})"
                )
            results.append(MeetingChanges(path.rsplit("/", 1)[-1], tuple(changes or ()), note))
    except InvalidAtRevision as exc:
        emit(exc.problems, "text")
        errors = sum(1 for p in exc.problems if p.severity == "error")
        click.echo(
            f"{errors} error(s) in the meeting in {exc.revision}; fix them, or compare "
            "other revisions.",
            err=True,
        )
        sys.exit(1)
    click.echo(format_changes(results, old, new, fmt), nl=False)  # type: ignore[arg-type]


def _diff_arguments(args: tuple[str, ...]) -> tuple[str, str | None, Path]:
    """Split REV [REV2] [MEETING_DIR]: a second argument naming a folder is MEETING_DIR."""
    if not 1 <= len(args) <= 3:
        raise click.UsageError("give a revision, optionally a second one, then a meeting folder")
    if len(args) == 3:
        return args[0], args[1], Path(args[2])
    if len(args) == 2 and Path(args[1]).is_dir():
        return args[0], None, Path(args[1])
    return args[0], args[1] if len(args) == 2 else None, DEFAULT_DATA


@main.group()
def new() -> None:
    """Write commented starter files that pass `briefgen check` at once; never overwrite."""


_ROOT_OPTION = click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_DATA,
    show_default=True,
    help="The data folder (holding people/ and the meeting folders).",
)


def _report_written(paths: list[Path], root: Path) -> None:
    for path in paths:
        click.echo(f"wrote {path}")
    if not (root.parent / "schemas").is_dir():
        click.echo(
            f"tip: run 'briefgen schema --out {root.parent / 'schemas'}' so editors can use "
            "the files' schema modelines"
        )


@new.command("meeting")
@click.argument("meeting_id")
@click.option(
    "--delegation",
    "delegations",
    multiple=True,
    metavar="ID",
    help="A delegation id, host first; repeatable (default: ours, theirs).",
)
@_ROOT_OPTION
@handle_user_errors
def new_meeting(meeting_id: str, delegations: tuple[str, ...], root: Path) -> None:
    """Start ROOT/MEETING_ID/ (e.g. 2024-05-14-paris): meeting.yaml, one file per
    delegation, and a placeholder head of each delegation in people/."""
    from briefgen.project.config import CONFIG_FILE
    from briefgen.starter import meeting_files, write_new

    marking = "OFFICIAL"
    config = root / CONFIG_FILE
    if config.is_file():
        from briefgen.project.config import load_config

        markings = load_config(root).markings
        marking = markings[0] if markings else marking
    files = meeting_files(
        root, meeting_id, list(delegations or ("ours", "theirs")), marking=marking
    )
    _report_written(write_new(files), root)


@new.command("delegation")
@click.argument("meeting_id")
@click.argument("delegation_id")
@click.option(
    "--member",
    "members",
    multiple=True,
    metavar="PERSON",
    help="A person id, in order of precedence; repeatable. People without a file get a "
    "starter file (default: one placeholder, DELEGATION_ID-head).",
)
@_ROOT_OPTION
@handle_user_errors
def new_delegation(
    meeting_id: str, delegation_id: str, members: tuple[str, ...], root: Path
) -> None:
    """Add ROOT/MEETING_ID/DELEGATION_ID.yaml and list it in the meeting's delegations."""
    from briefgen.errors import BriefgenError
    from briefgen.project.config import MEETING_FILE
    from briefgen.starter import add_to_meeting, delegation_file, person_file, write_new

    meeting_file = root / meeting_id / MEETING_FILE
    if not meeting_file.is_file():
        raise BriefgenError(
            f"{meeting_file} does not exist; start the meeting with 'briefgen new meeting'"
        )
    people = list(members or (f"{delegation_id}-head",))
    files = [delegation_file(root, meeting_id, delegation_id, people)]
    files += [
        person_file(root, person)
        for person in dict.fromkeys(people)
        if not (root / "people" / f"{person}.yaml").exists()
    ]
    written = write_new(files)
    _report_written(written, root)
    if add_to_meeting(meeting_file, delegation_id):
        click.echo(f"listed '{delegation_id}' under delegations in {meeting_file}")
    else:
        click.echo(f"now add '{delegation_id}' to the delegations in {meeting_file}")


@new.command("person")
@click.argument("person_id")
@_ROOT_OPTION
@handle_user_errors
def new_person(person_id: str, root: Path) -> None:
    """Write ROOT/people/PERSON_ID.yaml, the name guessed from the id (sergei-lavrov)."""
    from briefgen.starter import person_file, write_new

    _report_written(write_new([person_file(root, person_id)]), root)


@new.command("language")
@click.argument("code")
@click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False),
    help="Template folder to write locale/CODE.po into (default: the project's, else "
    "ROOT/templates).",
)
@_ROOT_OPTION
@handle_user_errors
def new_language(code: str, templates: Path | None, root: Path) -> None:
    """Write locale/CODE.po with every label of the book, ready to translate."""
    from briefgen.errors import BriefgenError
    from briefgen.project.config import TEMPLATES_DIR, load_config
    from briefgen.project.themes import TemplateSet
    from briefgen.render.i18n import starter_catalogue
    from briefgen.schema.languages import is_known_language
    from briefgen.starter import Starter, write_new

    if not is_known_language(code):
        raise BriefgenError(f"'{code}' is not a language code Babel knows (e.g. de, es, ja)")
    folder = templates or root / (load_config(root).templates or TEMPLATES_DIR)
    catalogue = starter_catalogue(TemplateSet(folder if folder.is_dir() else None), code)
    written = write_new([Starter(folder / "locale" / f"{code}.po", catalogue.decode("utf-8"))])
    for path in written:
        click.echo(f"wrote {path}")
        click.echo(f"translate each msgstr in it, then set 'language: {code}' in meeting.yaml")
