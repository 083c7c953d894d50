"""Orchestrate a build: render each meeting's outputs in memory, then write them.

Input is validated for every meeting before anything is written.  A meeting's
files are written together once all of them rendered, so a failed render
leaves that meeting's earlier outputs intact; other meetings are still
built.  Outputs whose inputs did not change are skipped (briefgen.cache), and
meetings can render in parallel processes (``BuildOptions.jobs``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Literal

import jinja2

from .cache import BuildCache, inputs_key, output_key, pdf_key
from .errors import BriefgenError, BuildFailed, UncommittedInputs
from .gitinfo import VersionInfo, source_date, version_info
from .limits import DEFAULT_LIMITS
from .load import MeetingRecord, Project
from .output import write_atomic
from .render import BuildInfo, RenderOptions, builtin_templates, make_environment, render_book

Format = Literal["html", "pdf", "seating", "cards", "pocket", "all"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "seating", "cards", "pocket", "all")


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where."""

    out_dir: Path = Path("build")
    format: Format = "all"
    render: RenderOptions = field(default_factory=RenderOptions)
    template_dir: Path | None = None
    #: Seconds allowed for one meeting's PDF; None or 0 for no limit.
    timeout: float | None = DEFAULT_LIMITS.timeout
    #: Refuse to build from uncommitted inputs.
    final: bool = False
    #: Build every output even when the cache says it is up to date.
    force: bool = False
    #: Meetings rendered at the same time, each in its own process; 1: in this process.
    jobs: int = 1
    #: Keep OUT/.briefgen-cache/ (see briefgen.cache) and skip outputs it knows are current.
    cache: bool = True


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
    photo_cache: Path | None = None
    pdf_facts: tuple[str, ...] = ()
    reusable: dict[str, bytes] = field(default_factory=dict)

    @property
    def stale(self) -> bool:
        return bool(self.keys)


@dataclass(frozen=True)
class MeetingResult:
    """The outputs of one meeting, or why it failed."""

    meeting_id: str
    outputs: list[tuple[Path, bytes]]
    error: str | None
    keys: dict[str, str] = field(default_factory=dict)
    pdf_keys: dict[str, str] = field(default_factory=dict)


def output_folder(out_dir: Path, record: MeetingRecord) -> Path:
    return out_dir / record.id


def describe_build(version: VersionInfo | None) -> BuildInfo:
    """The version line's facts: the build's date and, inside git, the commit."""
    return BuildInfo(built=source_date(version).date(), commit=version.short if version else None)


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
    records = list(meetings if meetings is not None else project.meetings)
    versions = {r.id: meeting_version(r, options.template_dir) for r in records}
    if options.final:
        refuse_uncommitted(records, versions)
    cache = BuildCache.under(options.out_dir) if options.cache else None
    jobs: list[MeetingJob] = []
    for record in records:
        job = plan_meeting(project.root, record, options, versions[record.id], cache)
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


def plan_meeting(
    root: Path,
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
        root=root,
        record=record,
        options=options,
        version=version,
        keys={name: keys[name] for name in stale},
        photo_cache=cache.photos if cache is not None else None,
        pdf_facts=(*facts, inputs_key((), templates, {})),
        reusable=reusable,
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
        from . import pdf  # noqa: F401
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
    env = make_environment(options.template_dir)
    project = Project(root=job.root, people={}, meetings=[])
    memo = PdfMemo(job.pdf_facts, job.reusable)
    try:
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
        return MeetingResult(job.record.id, [], str(exc))
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
    if cache is not None:
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
    photo_cache: Path | None = None,
    pdf_memo: PdfMemo | None = None,
) -> list[tuple[Path, bytes]]:
    """The files of one meeting as (path, content) pairs, nothing written yet."""
    folder = output_folder(options.out_dir, record)
    allowed = [project.root / "people", record.folder, options.template_dir or builtin_templates()]
    created = source_date(version)
    outputs: list[tuple[Path, bytes]] = []

    def lay_out(html: str) -> bytes:
        from .pdf import render_pdf

        return render_pdf(
            html,
            base_dir=record.folder,
            allowed=allowed,
            created=created,
            identifier=record.id,
            timeout=options.timeout,
        )

    def pdf(html: str) -> bytes:
        return lay_out(html) if pdf_memo is None else pdf_memo.pdf(html, lay_out)

    if options.format in ("html", "pdf", "all"):
        html = render_book(record, env, options.render, describe_build(version), photo_cache)
        if options.format in ("html", "all"):
            outputs.append((folder / "book.html", html.encode("utf-8")))
        if options.format in ("pdf", "all"):
            outputs.append((folder / "book.pdf", pdf(html)))
    return outputs + render_protocol_material(record, env, folder, options, pdf)


def render_protocol_material(
    record: MeetingRecord,
    env: jinja2.Environment,
    folder: Path,
    options: BuildOptions,
    pdf: Callable[[str], bytes],
) -> list[tuple[Path, bytes]]:
    """The seating plan SVG, place cards and pocket list that the format asks for, in memory."""
    from .protocol_render import render_place_cards, render_pocket, render_seating_svg

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
