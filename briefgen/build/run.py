"""Orchestrate a build: plan each meeting's stale outputs, render them, then write them.

Input is validated for every meeting before anything is written.  A meeting's
files are written together once all of them rendered, so a failed render
leaves that meeting's earlier outputs intact; other meetings are still
built.  Outputs whose inputs did not change are skipped (briefgen.outputs.cache), and
meetings can render in parallel processes (``BuildOptions.jobs``).  Progress
comes back as :class:`Event` values, from worker processes through a queue.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Protocol

from briefgen.build.files import makes_pdfs, output_names
from briefgen.build.layout import Layout
from briefgen.build.meeting import (
    PdfMemo,
    describe_build,
    meeting_versions,
    output_folder,
    refuse_uncommitted,
    render_outputs,
    version_paths,
)
from briefgen.build.uptodate import Planned
from briefgen.errors import (
    BriefgenError,
    BuildFailed,
    InvalidAtRevision,
    OutputError,
    Problem,
    ValidationFailed,
)
from briefgen.options import BuildOptions, resolve_options
from briefgen.outputs.atomic import check_output_folder, remove_stale_temps, write_set
from briefgen.outputs.cache import (
    BuildCache,
    PartCache,
    PhotoCache,
    inputs_key,
    output_key,
)
from briefgen.outputs.codecache import TemplateCodeCache, user_code_folder
from briefgen.outputs.pdfengine import require_pdf_engine
from briefgen.project.load import Project
from briefgen.project.themes import builtin_templates
from briefgen.render.photos import PhotoStore
from briefgen.schema.models import ProjectConfig
from briefgen.schema.records import MeetingRecord
from briefgen.vcs.gitinfo import VersionInfo

#: BuildOptions that never change the bytes of an output, so not part of the cache key.
_NOT_IN_KEY = frozenset({"out_dir", "format", "timeout", "final", "force", "jobs", "cache"})


#: Seconds between reports of the page being laid out.
PAGE_REPORT_SECONDS = 0.5


@dataclass(frozen=True)
class Event:
    """What a build reports as it goes; plain and picklable (workers send it to the parent).

    ``kind`` is "start" (``output`` is being made: book.html, book.pdf, ...; or
    "write"), "page" (laying out the page ``detail`` of ``output``), "written"
    (``output`` is the path written, ``seconds`` the time its making took),
    or the meeting's end: "built", "up to date" or "failed".
    """

    meeting: str
    kind: str
    output: str = ""
    detail: str = ""
    seconds: float = 0.0


#: Called with each :class:`Event`, in the parent process.
Progress = Callable[[Event], None]


class EventSink(Protocol):
    """Where a worker puts its events: a queue shared with the parent, or a direct call."""

    def put(self, item: Event) -> None: ...


class _Direct:
    """A sink that calls ``progress`` at once (rendering in this process)."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress

    def put(self, item: Event) -> None:
        self._progress(item)


class StepTimer:
    """Reports each step of one meeting to ``sink`` and times the outputs it makes."""

    def __init__(self, meeting: str, sink: EventSink | None) -> None:
        self.meeting = meeting
        self.sink = sink
        self.seconds: dict[str, float] = {}
        self._current = ""
        self._since = time.perf_counter()
        self._reported = 0.0

    def report(self, output: str, detail: str) -> None:
        """``output`` starts (no ``detail``), or has got as far as ``detail`` (a page)."""
        now = time.perf_counter()
        if not detail:
            self.stop()
            self._current, self._since = output, now
            self._put(Event(self.meeting, "start", output))
        elif now - self._reported >= PAGE_REPORT_SECONDS or not detail.startswith("page"):
            self._reported = now
            self._put(Event(self.meeting, "page", self._current, detail))

    def stop(self) -> None:
        if self._current:
            self.seconds[self._current] = time.perf_counter() - self._since
            self._current = ""

    def _put(self, event: Event) -> None:
        if self.sink is not None:
            self.sink.put(event)


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
    #: The book's parts laid out by the last build (see :mod:`briefgen.build.bookpdf`).
    part_cache: PartCache | None = None
    #: The templates compiled by the last build.
    code_cache: TemplateCodeCache | None = None
    pdf_facts: tuple[str, ...] = ()
    reusable: dict[str, bytes] = field(default_factory=dict)
    config: ProjectConfig = field(default_factory=ProjectConfig)
    #: Build every output the options ask for, outside the cache (editions, copies, ics).
    uncached: bool = False
    #: Every output the options ask for, with its key (fresh ones too).
    planned: dict[str, str] = field(default_factory=dict)
    #: Where progress goes: a queue proxy (picklable) for a worker, or a direct sink.
    events: Any = None

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
    #: Located problems behind ``error`` (invalid input at a revision, say).
    problems: tuple[Problem, ...] = ()
    #: Seconds spent making each output, by file name.
    seconds: dict[str, float] = field(default_factory=dict)


def build_project(
    project: Project,
    options: BuildOptions,
    meetings: Sequence[MeetingRecord] | None = None,
    progress: Progress | None = None,
    planned: Callable[[Planned], object] | None = None,
    pool: Executor | None = None,
) -> list[Path]:
    """Build the books of ``meetings`` (default: all in the project); return the paths written.

    Input has been validated when the project loaded, so nothing is written
    for invalid input.  Each meeting's outputs are produced in memory and
    written together, each file atomically, as soon as that meeting is done;
    outputs the cache knows to be up to date are not built again.  With
    ``options.jobs`` > 1 meetings render in a process pool.  When a meeting
    fails, the others are still built and written, and :class:`BuildFailed`
    names every failed meeting and lists what was written.  ``planned`` hears what
    was decided for each meeting (for :mod:`briefgen.build.uptodate`).  ``pool``
    (``options.jobs`` processes, e.g. a :func:`~briefgen.build.workers.layout_pool`
    started before the project loaded) is used instead of starting one.
    """
    options = resolve_options(project, options)
    if makes_pdfs(options.format):
        require_pdf_engine()
    records = list(meetings if meetings is not None else project.meetings)
    versions = meeting_versions(records, options.template_dir)
    if options.final:
        refuse_uncommitted(records, versions)
    cache = BuildCache.under(options.out_dir) if options.cacheable else None
    check_output_folder(options.out_dir)
    for record in records:  # what a killed build left behind
        remove_stale_temps(output_folder(options.out_dir, record))
    jobs: list[MeetingJob] = []
    for record in records:
        job = plan_meeting(project, record, options, versions[record.id], cache)
        if planned is not None:
            paths = version_paths(record, options.template_dir)
            folder = output_folder(options.out_dir, record)
            planned(Planned(record.id, folder, tuple(paths), versions[record.id], job.planned))
        if job.stale:
            jobs.append(job)
        elif progress is not None:
            progress(Event(record.id, "up to date"))
    report = progress or (lambda event: None)
    written: list[Path] = []
    failures: list[str] = []
    problems: list[Problem] = []
    for result in run_jobs(jobs, options.jobs, progress, pool):
        error = result.error
        if error is None:
            report(Event(result.meeting_id, "start", "write"))
            try:
                check_output_folder(options.out_dir, [path for path, _ in result.outputs])
                stored = store_result(result, cache)
            except OutputError as exc:
                error, stored = str(exc), []
            written += stored
            for path in stored:
                report(Event(result.meeting_id, "written", str(path), "", _took(result, path)))
        if error is not None:
            failures.append(f"meeting {result.meeting_id}: {error}")
            problems += result.problems
        report(Event(result.meeting_id, "failed" if error else "built"))
    if failures:
        raise BuildFailed(failures, written, problems)
    return written


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
    templates = [f for f in (options.template_dir, builtin_templates()) if f is not None]
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
        part_cache=PartCache(cache.parts(record.id)) if cache is not None else None,
        code_cache=TemplateCodeCache(user_code_folder()) if cache is not None else None,
        pdf_facts=(*facts, inputs_key((), templates, {})),
        reusable=reusable,
        config=project.config,
        uncached=not options.cacheable,
        planned=keys,
    )


def _took(result: MeetingResult, path: Path) -> float:
    """Seconds the output at ``path`` took; a numbered copy's share of all copies."""
    if path.name in result.seconds:
        return result.seconds[path.name]
    copies = [p for p, _ in result.outputs if p.parent == path.parent]
    return result.seconds.get("copies", 0.0) / max(len(copies), 1)


def run_jobs(
    jobs: Sequence[MeetingJob],
    processes: int,
    progress: Progress | None = None,
    pool: Executor | None = None,
) -> Iterator[MeetingResult]:
    """Render the jobs, in this process or ``processes`` at a time; results as they finish.

    With at least as many meetings as processes, each meeting renders in a
    worker of a process pool, which sends its :class:`Event` values through a
    queue that a thread of this process hands to ``progress``.  With fewer,
    the meetings render here and their PDFs are laid out in the pool instead:
    the parts of a book side by side, and the place cards and pocket list
    beside them (:mod:`briefgen.build.bookpdf`).  ``pool`` is that pool when
    the caller started it (it stays open); else one is started here.
    """
    pdfs = any(name.endswith(".pdf") for job in jobs for name in job.keys) or any(
        job.uncached for job in jobs
    )
    if processes > 1 and pdfs and pool is None:
        # Import WeasyPrint (a second or so) once here: forked workers inherit it.
        from briefgen.outputs import pdf  # noqa: F401
    if processes <= 1 or len(jobs) < processes or not pdfs:
        # Without PDFs to lay out, rendering here costs less than starting a pool.
        sink = _Direct(progress) if progress is not None else None
        with _layout_pool(processes if pdfs and jobs else 1, pool) as layout:
            for job in jobs:
                yield render_meeting(replace(job, events=sink), layout)
        return
    from briefgen.build.workers import relay  # multiprocessing: only for a parallel build

    with relay(progress) as queue, _given_or(pool, min(processes, len(jobs))) as meetings:
        futures = {meetings.submit(render_meeting, replace(job, events=queue)): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                yield future.result()
            except BrokenExecutor as exc:
                yield _worker_died(job, exc)


@contextmanager
def _layout_pool(processes: int, pool: Executor | None = None) -> Iterator[Layout]:
    """Where this process's PDFs are laid out: a pool of ``processes`` workers, or here."""
    if processes <= 1:
        yield Layout()
        return
    with _given_or(pool, processes) as executor:
        yield Layout(executor, processes)


@contextmanager
def _given_or(pool: Executor | None, processes: int) -> Iterator[Executor]:
    """``pool``, left open for its owner; else a new pool of ``processes``, shut down after."""
    if pool is not None:
        yield pool
        return
    from briefgen.build.workers import process_pool

    with process_pool(processes) as started:
        yield started


def _worker_died(job: MeetingJob, exc: BrokenExecutor) -> MeetingResult:
    """The failure of a meeting whose worker process died (killed, or out of memory)."""
    return MeetingResult(job.record.id, [], f"the worker process died ({exc})")


def render_meeting(job: MeetingJob, layout: Layout | None = None) -> MeetingResult:
    """Render the stale outputs of one meeting (the process pool's task: module level, pickles).

    Its PDFs are laid out in ``layout`` (default: here).
    """
    options = job.options
    project = Project(root=job.root, people={}, meetings=[], config=job.config)
    memo = PdfMemo(job.pdf_facts, job.reusable)
    timer = StepTimer(job.record.id, job.events)
    try:
        if job.uncached:
            everything = render_outputs(
                project, job.record, options, job.version, report=timer.report, layout=layout
            )
            timer.stop()
            return MeetingResult(job.record.id, everything, None, seconds=timer.seconds)
        outputs = render_outputs(
            project,
            job.record,
            options,
            job.version,
            photo_cache=job.photo_cache,
            pdf_memo=memo,
            report=timer.report,
            wanted=frozenset(job.keys),
            layout=layout,
            part_cache=job.part_cache,
            code_cache=job.code_cache,
        )
        timer.stop()
    except InvalidAtRevision as exc:
        errors = sum(1 for p in exc.problems if p.severity == "error")
        reason = f"the meeting at {exc.revision} has {errors} error(s), listed above"
        return MeetingResult(job.record.id, [], reason, problems=tuple(exc.problems))
    except ValidationFailed as exc:
        errors = sum(1 for p in exc.problems if p.severity == "error")
        reason = f"{errors} error(s), listed above"
        return MeetingResult(job.record.id, [], reason, problems=tuple(exc.problems))
    except BriefgenError as exc:
        return MeetingResult(job.record.id, [], str(exc).removeprefix(f"meeting {job.record.id}: "))
    except BrokenExecutor as exc:  # a process laying out one of its PDFs died
        return _worker_died(job, exc)
    if job.code_cache is not None:
        job.code_cache.flush()
    wanted = [(path, data) for path, data in outputs if path.name in job.keys]
    return MeetingResult(
        job.record.id, wanted, None, dict(job.keys), memo.made, seconds=timer.seconds
    )


def store_result(result: MeetingResult, cache: BuildCache | None) -> list[Path]:
    """Write one meeting's outputs as one set (all replaced or none), note them in the cache."""
    write_set(result.outputs)
    if cache is not None and result.keys:
        cache.record(
            result.meeting_id,
            {path.name: (result.keys[path.name], data) for path, data in result.outputs},
            result.pdf_keys,
        )
    return [path for path, _ in result.outputs]
