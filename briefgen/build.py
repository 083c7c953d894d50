"""Orchestrate a build: render each meeting's outputs in memory, then write them.

Input is validated for every meeting before anything is written.  A meeting's
files are written together once all of them rendered, so a failed render
leaves that meeting's earlier outputs intact; other meetings are still
built.  Outputs whose inputs did not change are skipped (briefgen.outputs.cache), and
meetings can render in parallel processes (``BuildOptions.jobs``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import jinja2

from briefgen.errors import BriefgenError, BuildFailed, RenderError, UncommittedInputs
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.outputs.atomic import write_atomic
from briefgen.outputs.cache import BuildCache, PhotoCache, inputs_key, output_key, pdf_key
from briefgen.project.confine import Refusal, read_confined
from briefgen.project.load import Project
from briefgen.project.recipients import IssuedCopy, Recipient, copy_file_name, register_csv
from briefgen.project.themes import builtin_templates
from briefgen.protocol.editions import book_marking, edition_named, select
from briefgen.render.book import BuildInfo, Copy, RenderOptions, make_environment, render_book
from briefgen.render.photos import PhotoStore
from briefgen.schema.models import Edition, ProjectConfig
from briefgen.schema.records import MeetingRecord
from briefgen.vcs.gitinfo import VersionInfo, source_date, version_info

if TYPE_CHECKING:
    from briefgen.outputs.pdf import PdfAttachment, PdfVariant

#: "all" is the book (HTML and PDF) with its protocol material; "ics" is asked for alone.
Format = Literal["html", "pdf", "seating", "cards", "pocket", "ics", "all"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "seating", "cards", "pocket", "ics", "all")


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where."""

    out_dir: Path = Path("build")
    format: Format = "all"
    render: RenderOptions = field(default_factory=RenderOptions)
    #: Overrides the project's template folder (briefgen.yaml, or templates/ in the data root).
    template_dir: Path | None = None
    #: Overrides the project's theme.
    theme: str | None = None
    #: Seconds allowed for one meeting's PDF; None or 0 for no limit.
    timeout: float | None = DEFAULT_LIMITS.timeout
    #: Refuse to build from uncommitted inputs.
    final: bool = False
    #: A git revision: add a "Changes since" page and change bars against it.
    changes_since: str | None = None
    #: Name of the edition to build (an edition in briefgen.yaml); None: the full book.
    edition: str | None = None
    #: Archival or accessible PDF (tagged); None: a plain PDF.
    pdf_variant: PdfVariant | None = None
    #: Numbered copies, one PDF per recipient, instead of book.html and book.pdf.
    recipients: Sequence[Recipient] | None = None
    limits: Limits = DEFAULT_LIMITS
    #: Build every output even when the cache says it is up to date.
    force: bool = False
    #: Meetings rendered at the same time, each in its own process; 1: in this process.
    jobs: int = 1
    #: Keep OUT/.briefgen-cache/ (see briefgen.outputs.cache) and skip outputs it knows are current.
    cache: bool = True

    @property
    def cacheable(self) -> bool:
        """Whether the cache may be used: not for editions, copies, calendars or --changes-since,
        whose outputs live elsewhere or depend on more than the inputs."""
        return self.cache and not (
            self.edition
            or self.recipients is not None
            or self.format == "ics"
            or self.changes_since
        )


#: BuildOptions that never change the bytes of an output, so not part of the cache key.
_NOT_IN_KEY = frozenset({"out_dir", "format", "timeout", "final", "force", "jobs", "cache"})

#: The files of a meeting and the --format values that write them.
OUTPUT_FILES: dict[str, tuple[Format, ...]] = {
    "book.html": ("html",),
    "book.pdf": ("pdf",),
    "seating.svg": ("seating",),
    "place-cards.pdf": ("cards",),
    "pocket.pdf": ("pocket",),
}
_SINGLE: dict[Format, str] = {kinds[0]: name for name, kinds in OUTPUT_FILES.items()}

#: Called as each meeting is done: its id and "built", "up to date" or "failed".
Progress = Callable[[str, str], None]


@dataclass(frozen=True)
class MeetingJob:
    """One meeting to render: everything a worker process needs, picklable."""

    root: Path
    record: MeetingRecord
    options: BuildOptions
    version: VersionInfo | None
    #: The outputs to build, with their cache keys.
    keys: dict[str, str]
    photo_cache: PhotoStore | None = None
    pdf_facts: tuple[str, ...] = ()
    reusable: dict[str, bytes] = field(default_factory=dict)
    config: ProjectConfig = field(default_factory=ProjectConfig)
    #: Build every output the options ask for, outside the cache (editions, copies, ics).
    uncached: bool = False

    @property
    def stale(self) -> bool:
        return self.uncached or bool(self.keys)


@dataclass(frozen=True)
class MeetingResult:
    """The outputs of one meeting, or why it failed."""

    meeting_id: str
    outputs: list[tuple[Path, bytes]]
    error: str | None
    keys: dict[str, str] = field(default_factory=dict)
    pdf_keys: dict[str, str] = field(default_factory=dict)


def output_folder(out_dir: Path, record: MeetingRecord, edition: str | None = None) -> Path:
    """``OUT/<meeting-id>/``, or ``OUT/<meeting-id>/edition-<name>/`` for an edition."""
    folder = out_dir / record.id
    return folder / f"edition-{edition}" if edition else folder


def edition_of(project: Project, name: str | None) -> Edition | None:
    """The edition called ``name`` in the project's briefgen.yaml (None for the full book)."""
    if name is None:
        return None
    edition = edition_named(project.config, name)
    if edition is None:
        known = ", ".join(e.name for e in project.config.editions) or "none defined"
        raise BriefgenError(
            f"{project.root}: no edition '{name}' in briefgen.yaml (editions: {known})"
        )
    return edition


def edition_record(
    project: Project, record: MeetingRecord, edition: Edition | None
) -> MeetingRecord:
    """The meeting as ``edition`` sees it: only its items, marked with the computed marking."""
    marking = book_marking(record.meeting, edition, project.config)
    audiences = frozenset(edition.audiences) if edition else None
    return dataclasses.replace(record, meeting=select(record.meeting, audiences, marking))


def read_attachments(record: MeetingRecord, limits: Limits = DEFAULT_LIMITS) -> list[PdfAttachment]:
    """The attachments' bytes, confined again to the meeting folder (see :mod:`.confine`)."""
    from briefgen.outputs.pdf import PdfAttachment

    found = []
    for attachment in record.attachments:
        data = read_confined(
            record.folder.parent, attachment.path, limits.attachment_bytes, within=record.folder
        )
        if isinstance(data, Refusal):
            raise RenderError(
                f"{attachment.path}: the attachment is no longer a file in the meeting folder"
            )
        if len(data) > limits.attachment_bytes:
            raise RenderError(f"{attachment.path}: the attachment grew past the size limit")
        found.append(PdfAttachment(attachment.name, data, attachment.description))
    return found


def describe_build(version: VersionInfo | None) -> BuildInfo:
    """The version line's facts: the build's date and, inside git, the commit and DRAFT state."""
    if version is None:
        return BuildInfo(built=source_date(version).date())
    return BuildInfo(
        built=source_date(version).date(),
        commit=version.short,
        committed=version.date.date() if version.date else None,
        draft=version.dirty,
    )


def build_project(
    project: Project,
    options: BuildOptions,
    meetings: Sequence[MeetingRecord] | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Build the books of ``meetings`` (default: all in the project); return the paths written.

    Input has been validated when the project loaded, so nothing is written
    for invalid input.  Each meeting's outputs are produced in memory and
    written together, each file atomically, as soon as that meeting is done;
    outputs the cache knows to be up to date are not built again.  With
    ``options.jobs`` > 1 meetings render in a process pool.  When a meeting
    fails, the others are still built and written, and :class:`BuildFailed`
    names every failed meeting and lists what was written.
    """
    options = project_options(project, options)
    records = list(meetings if meetings is not None else project.meetings)
    versions = {r.id: meeting_version(r, options.template_dir) for r in records}
    if options.final:
        refuse_uncommitted(records, versions)
    cache = BuildCache.under(options.out_dir) if options.cacheable else None
    jobs: list[MeetingJob] = []
    for record in records:
        job = plan_meeting(project, record, options, versions[record.id], cache)
        if job.stale:
            jobs.append(job)
        elif progress is not None:
            progress(record.id, "up to date")
    written: list[Path] = []
    failures: list[str] = []
    for result in run_jobs(jobs, options.jobs):
        if result.error is not None:
            failures.append(f"meeting {result.meeting_id}: {result.error}")
        else:
            written += store_result(result, cache)
        if progress is not None:
            progress(result.meeting_id, "failed" if result.error else "built")
    if failures:
        raise BuildFailed(failures, written)
    return written


def project_options(project: Project, options: BuildOptions) -> BuildOptions:
    """``options`` with what they leave open taken from the project (briefgen.yaml)."""
    config = project.config
    render = options.render
    return replace(
        options,
        template_dir=options.template_dir or project.template_dir,
        theme=options.theme or project.theme,
        render=replace(
            render,
            paper=render.paper or config.paper,
            family_caps=config.family_caps if render.family_caps is None else render.family_caps,
        ),
    )


def plan_meeting(
    project: Project,
    record: MeetingRecord,
    options: BuildOptions,
    version: VersionInfo | None,
    cache: BuildCache | None,
) -> MeetingJob:
    """What to build for one meeting: the outputs whose cache key changed (all with --force)."""
    build = describe_build(version)
    chosen = {f.name: getattr(options, f.name) for f in fields(options)}
    settings = {
        # Every option that can change an output is in the key, new ones included by default.
        "options": repr({k: v for k, v in chosen.items() if k not in _NOT_IN_KEY}),
        "built": build.built.isoformat(),
        "commit": build.commit or "",
        "dirty": str(version.dirty if version else None),
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
        "config": repr(project.config),
    }
    templates = options.template_dir or builtin_templates()
    inputs = inputs_key(record.input_files(), templates, settings)
    keys = {name: output_key(inputs, name) for name in output_names(options.format)}
    folder = output_folder(options.out_dir, record)
    if cache is None or options.force:
        stale = frozenset(keys)
        reusable: dict[str, bytes] = {}
    else:
        stale = frozenset(cache.stale(record.id, folder, keys))
        reusable = cache.reusable_pdfs(record.id, folder) if stale else {}
    facts = (
        settings["built"],
        settings["commit"],
        settings["dirty"],
        settings["source_date_epoch"],
    )
    return MeetingJob(
        root=project.root,
        record=record,
        options=options,
        version=version,
        keys={name: keys[name] for name in stale},
        photo_cache=PhotoCache(cache.photos) if cache is not None else None,
        pdf_facts=(*facts, inputs_key((), templates, {})),
        reusable=reusable,
        config=project.config,
        uncached=not options.cacheable,
    )


def output_names(fmt: Format) -> list[str]:
    """The files a format writes into the meeting's folder."""
    return [name for name, kinds in OUTPUT_FILES.items() if fmt == "all" or fmt in kinds]


def run_jobs(jobs: Sequence[MeetingJob], processes: int) -> Iterator[MeetingResult]:
    """Render the jobs, in this process or ``processes`` at a time; results as they finish."""
    if processes <= 1 or len(jobs) <= 1:
        yield from map(render_meeting, jobs)
        return
    if any(name.endswith(".pdf") for job in jobs for name in job.keys):
        # Import WeasyPrint (a second or so) once here: forked workers inherit it.
        from briefgen.outputs import pdf  # noqa: F401
    with ProcessPoolExecutor(max_workers=min(processes, len(jobs))) as pool:
        futures = {pool.submit(render_meeting, job): job for job in jobs}
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool as exc:
                job = futures[future]
                yield MeetingResult(job.record.id, [], f"the worker process died ({exc})")


def render_meeting(job: MeetingJob) -> MeetingResult:
    """Render the stale outputs of one meeting (the process pool's task: module level, pickles)."""
    options = job.options
    env = make_environment(options.template_dir, options.theme or "default")
    project = Project(root=job.root, people={}, meetings=[], config=job.config)
    memo = PdfMemo(job.pdf_facts, job.reusable)
    try:
        if job.uncached:
            everything = render_outputs(project, job.record, env, options, job.version)
            return MeetingResult(job.record.id, everything, None)
        outputs: list[tuple[Path, bytes]] = []
        for fmt in formats_for(options.format, set(job.keys)):
            outputs += render_outputs(
                project,
                job.record,
                env,
                replace(options, format=fmt),
                job.version,
                photo_cache=job.photo_cache,
                pdf_memo=memo,
            )
    except BriefgenError as exc:
        return MeetingResult(job.record.id, [], str(exc).removeprefix(f"meeting {job.record.id}: "))
    wanted = [(path, data) for path, data in outputs if path.name in job.keys]
    return MeetingResult(job.record.id, wanted, None, dict(job.keys), memo.made)


def formats_for(requested: Format, stale: set[str]) -> list[Format]:
    """The formats to render so that every stale output is made, ``requested`` if all are."""
    if set(output_names(requested)) == stale:
        return [requested]
    return [fmt for fmt, in_format in _SINGLE.items() if in_format in stale]


def store_result(result: MeetingResult, cache: BuildCache | None) -> list[Path]:
    """Write one meeting's outputs, each atomically, and note them in the cache."""
    for path, data in result.outputs:
        write_atomic(path, data)
    if cache is not None and result.keys:
        cache.record(
            result.meeting_id,
            {path.name: (result.keys[path.name], data) for path, data in result.outputs},
            result.pdf_keys,
        )
    return [path for path, _ in result.outputs]


class PdfMemo:
    """PDFs whose HTML is unchanged are taken from the last build instead of laid out again."""

    def __init__(self, facts: tuple[str, ...], reusable: dict[str, bytes]) -> None:
        self.facts = facts
        self.reusable = reusable
        #: SHA-256 of each PDF made or reused → the key of its HTML.
        self.made: dict[str, str] = {}

    def pdf(self, html: str, render: Callable[[str], bytes]) -> bytes:
        key = pdf_key(html, *self.facts)
        data = self.reusable.get(key)
        if data is None:
            data = render(html)
        self.made[hashlib.sha256(data).hexdigest()] = key
        return data


def render_outputs(
    project: Project,
    record: MeetingRecord,
    env: jinja2.Environment,
    options: BuildOptions,
    version: VersionInfo | None = None,
    photo_cache: PhotoStore | None = None,
    pdf_memo: PdfMemo | None = None,
) -> list[tuple[Path, bytes]]:
    """The files of one meeting as (path, content) pairs, nothing written yet."""
    edition = edition_of(project, options.edition)
    view = edition_record(project, record, edition)
    folder = output_folder(options.out_dir, record, edition.name if edition else None)
    build = describe_build(version)
    created = source_date(version)
    label = (edition.label or "") if edition else ""
    allowed = [project.root / "people", record.folder, builtin_templates()]
    if options.template_dir is not None:
        allowed.append(options.template_dir)

    def lay_out(html: str, book: bool) -> bytes:
        from briefgen.outputs.pdf import render_pdf

        return render_pdf(
            html,
            base_dir=record.folder,
            allowed=allowed,
            created=created,
            identifier=record.id,
            timeout=options.timeout,
            variant=options.pdf_variant if book else None,
            attachments=read_attachments(view, options.limits) if book else (),
        )

    def pdf(html: str, *, book: bool = False) -> bytes:
        """The PDF of ``html``; the book takes the variant and the attachments."""
        special = book and (options.pdf_variant is not None or bool(view.attachments))
        if pdf_memo is None or special:
            return lay_out(html, book)
        return pdf_memo.pdf(html, lambda h: lay_out(h, book))

    if options.format == "ics":
        from briefgen.render.ics import programme_ics

        return [(folder / "programme.ics", programme_ics(record.id, view.meeting, build.built))]
    if options.recipients is not None:
        return _numbered_copies(view, env, options, folder, build, label, pdf)
    outputs: list[tuple[Path, bytes]] = []
    if options.format in ("html", "pdf", "all"):
        changes = None
        if options.changes_since is not None:
            from briefgen.vcs.changes import changes_since

            changes = changes_since(record, options.changes_since, options.limits).for_book()
        html = render_book(
            view,
            env,
            options.render,
            build,
            changes,
            edition_label=label,
            photo_cache=photo_cache,
        )
        if options.format in ("html", "all"):
            outputs.append((folder / "book.html", html.encode("utf-8")))
        if options.format in ("pdf", "all"):
            outputs.append((folder / "book.pdf", pdf(html, book=True)))
    return outputs + render_protocol_material(view, env, folder, options, pdf)


def render_protocol_material(
    record: MeetingRecord,
    env: jinja2.Environment,
    folder: Path,
    options: BuildOptions,
    pdf: Callable[..., bytes],
) -> list[tuple[Path, bytes]]:
    """The seating plan SVG, place cards and pocket list that the format asks for, in memory."""
    from briefgen.render.material import render_place_cards, render_pocket, render_seating_svg

    fmt = options.format
    outputs: list[tuple[Path, bytes]] = []
    if fmt in ("seating", "all"):
        outputs.append((folder / "seating.svg", render_seating_svg(record).encode("utf-8")))
    for kind, name, render in (
        ("cards", "place-cards.pdf", render_place_cards),
        ("pocket", "pocket.pdf", render_pocket),
    ):
        if fmt in (kind, "all"):
            outputs.append((folder / name, pdf(render(record, env))))
    return outputs


def meeting_version(record: MeetingRecord, template_dir: Path | None = None) -> VersionInfo | None:
    """The git version of everything the meeting's book is made from (``None`` outside git)."""
    return version_info([*record.input_files(), template_dir or builtin_templates()])


def refuse_uncommitted(
    records: Sequence[MeetingRecord], versions: dict[str, VersionInfo | None]
) -> None:
    """Raise :class:`UncommittedInputs` unless every meeting's inputs are committed."""
    reasons = []
    for record in records:
        version = versions[record.id]
        if version is None:
            reasons.append(f"{record.id}: the inputs are not in a git repository")
        elif version.changed:
            files = "\n    ".join(version.changed)
            reasons.append(f"{record.id}: uncommitted changes in\n    {files}")
        elif version.commit is None:
            reasons.append(f"{record.id}: no input has been committed yet")
    if reasons:
        raise UncommittedInputs(
            "--final builds only from committed inputs; commit (or discard) the changes "
            "and build again:\n  " + "\n  ".join(reasons)
        )


def _numbered_copies(
    record: MeetingRecord,
    env: jinja2.Environment,
    options: BuildOptions,
    folder: Path,
    build: BuildInfo,
    label: str,
    pdf: Callable[..., bytes],
) -> list[tuple[Path, bytes]]:
    """One PDF per recipient, each with its copy line and watermark, and the register."""
    assert options.recipients is not None
    total = len(options.recipients)
    issued = []
    for number, recipient in enumerate(options.recipients, start=1):
        copy = Copy(number, total, recipient.name)
        html = render_book(record, env, options.render, build, edition_label=label, copy=copy)
        data = pdf(html, book=True)
        issued.append(IssuedCopy(number, total, recipient, copy_file_name(number, total), data))
    copies = folder / "copies"
    register = register_csv(
        issued,
        meeting=record.id,
        edition=options.edition or "",
        marking=record.meeting.marking,
        issued=build.built,
    )
    return [*((copies / c.file, c.pdf) for c in issued), (copies / "register.csv", register)]
