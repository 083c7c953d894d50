"""The benchmark: ``make bench`` (or ``python bench/run.py [--sizes 12,100,1000]``).

Every figure is wall time of a fresh process (process start included), measured
in this run on this machine, for briefgen next to (a) bench/naive.py, a naive
single-template Jinja + WeasyPrint script, and (b) headless Chromium printing
briefgen's own HTML to PDF (Debian's ``chromium``; skipped with a note when it
is not installed).  The commands a row compares (briefgen, the baseline, the
naive script, Chromium; a cold build and its rebuilds) run in turns, one run each
a round, and a ratio is the median of the rounds' ratios: a machine whose speed
drifts during the run (a shared VM) slows both sides of each ratio alike.  Peak
RSS is per process (GNU time's %M, else ``wait4``); for a parallel batch it is the
largest of the main process and its workers.

``--baseline DIR`` (a source tree of another briefgen revision, e.g. ``git archive main |
tar -x -C DIR``) adds a "before" column: every briefgen figure is measured for both
revisions in the same rounds, in turns, on the same data.

``--startup`` measures only the start-up figures (issue 20, item 5): a cold PDF, a
no-op and a one-bio rebuild of the 100-person meeting, the same for an HTML build of
the example, and ``check`` of 1000 people.  Processes run with bytecode caching on
(``PYTHONDONTWRITEBYTECODE`` removed), as an installed briefgen does, so the figures do
not include compiling briefgen's own modules on every start.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import make_tree  # noqa: E402

PYTHON = sys.executable
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").is_file() else None
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]


@dataclass
class Run:
    seconds: float
    rss_mb: float
    ok: bool


#: The environment of every measured process: bytecode caching on, as for an installed package.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure_once(command: list[str], cwd: Path | None = None) -> Run:
    """Wall time and peak RSS (of the process or the largest worker it waited for) of one run.

    The RSS comes from GNU time when installed: a child forked from this (large) script
    would otherwise report the script's own peak, which Linux carries across exec.
    """
    with tempfile.TemporaryDirectory() as temp:
        rss_file = Path(temp) / "rss"
        wrapped = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *command] if GNU_TIME else command
        with (Path(temp) / "stderr").open("w+b") as errors:
            start = time.perf_counter()
            process = subprocess.Popen(
                wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, env=ENVIRONMENT
            )
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - start
            code = os.waitstatus_to_exitcode(status)
            if code != 0:
                errors.seek(0)
                sys.stderr.write(errors.read().decode(errors="replace")[-2000:])
        try:
            rss_kb = float(rss_file.read_text().split()[-1])
        except (OSError, ValueError, IndexError):
            rss_kb = usage.ru_maxrss
    return Run(seconds, rss_kb / 1024, code == 0)


@dataclass
class Series:
    """One command's runs, one a round; ``rounds`` is shared by the series measured in the
    same rounds (:func:`interleave`), whose ratios are then taken round by round."""

    runs: list[Run]
    rounds: object

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def rss_mb(self) -> float:
        return max(run.rss_mb for run in self.runs)

    @property
    def ok(self) -> bool:
        return all(run.ok for run in self.runs)


def ratio(a: Series, b: Series) -> float:
    """``a`` ÷ ``b``: the median of the rounds' ratios when both were measured in the same
    rounds (a machine whose speed drifts during the run slows both alike), else of medians."""
    if a.rounds is b.rounds and len(a.runs) == len(b.runs):
        return statistics.median(x.seconds / y.seconds for x, y in zip(a.runs, b.runs, strict=True))
    return a.seconds / b.seconds


#: A command to measure and what runs untimed before each of its runs (to reset state).
Job = tuple[list[str], Callable[[], object] | None]


def interleave(jobs: Sequence[Job], repeat: int) -> list[Series]:
    """Each job run once a round, ``repeat`` rounds, in turn (backwards every other round,
    so that no job always follows the same one): a series per job."""
    rounds = object()
    runs: list[list[Run]] = [[] for _ in jobs]
    for round_ in range(repeat):
        order = range(len(jobs)) if round_ % 2 == 0 else range(len(jobs) - 1, -1, -1)
        for index in order:
            command, before = jobs[index]
            if before is not None:
                before()
            runs[index].append(measure_once(command))
    return [Series(series, rounds) for series in runs]


def briefgen(*args: str | Path, source: Path | None = None) -> list[str]:
    """``briefgen build ARGS`` (``briefgen ARGS`` when the first is "check"), from the
    installed package or from the source tree ``source``."""
    words = [*map(str, args)]
    if words[:1] != ["check"]:
        words.insert(0, "build")
    if source is None:
        return [PYTHON, "-m", "briefgen", *words]
    start = (
        f"import sys, runpy; sys.path.insert(0, {str(source)!r}); "
        "runpy.run_module('briefgen', run_name='__main__')"
    )
    return [PYTHON, "-c", start, *words]


def revisions(
    args: list[str | Path],
    baseline: Path | None,
    before: Callable[[str], object] | None = None,
) -> list[Job]:
    """The job of this revision and, with a baseline, the baseline's: the same arguments.

    ``before(tag)`` runs untimed ahead of each run; ``"{tag}"`` inside a path argument is
    replaced by "" for this revision and "-before" for the baseline, so that each keeps its
    own folders (and data, where a job changes it).
    """

    def job(tag: str, source: Path | None) -> Job:
        filled = [Path(str(a).replace("{tag}", tag)) if isinstance(a, Path) else a for a in args]
        return briefgen(*filled, source=source), (lambda: before(tag)) if before else None

    return [job("", None)] + ([job("-before", baseline)] if baseline is not None else [])


def both(
    args: list[str | Path],
    repeat: int,
    baseline: Path | None,
    before: Callable[[str], object] | None = None,
) -> tuple[Series, Series | None]:
    """This revision's series and the baseline's (None without one), measured in turns."""
    ours, *old = interleave(revisions(args, baseline, before), repeat)
    return ours, (old[0] if old else None)


def chromium_command(html: Path, pdf: Path, profile: Path) -> list[str]:
    assert CHROMIUM is not None
    return [
        CHROMIUM,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        f"--print-to-pdf={pdf}",
        html.as_uri(),
    ]


def kb(path: Path) -> str:
    return f"{path.stat().st_size / 1024:,.0f}" if path.exists() else "-"


class Table:
    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.notes: list[str] = []

    def add(
        self,
        name: str,
        ours: Series,
        naive: Series | None = None,
        chrome: Series | None = None,
        size: str = "-",
        other_size: str = "-",
        cold: Series | None = None,
        old: Series | None = None,
    ) -> None:
        def secs(series: Series | None) -> str:
            if series is None:
                return "-"
            return f"{series.seconds:.2f}" if series.ok else "FAILED"

        def times(series: Series | None) -> str:
            return "-" if series is None or not series.ok else f"{ratio(ours, series):.2f}×"

        faster = "-" if cold is None else f"{ratio(cold, ours):.1f}× faster"
        gain = "-" if old is None or not old.ok else f"{ratio(old, ours):.2f}×"
        self.rows.append(
            [
                name,
                secs(old),
                "-" if old is None else f"{old.rss_mb:.0f}",
                secs(ours),
                gain,
                faster,
                secs(naive),
                times(naive),
                secs(chrome),
                times(chrome),
                f"{ours.rss_mb:.0f}",
                size,
                other_size,
            ]
        )

    def render(self) -> str:
        head = [
            "scenario",
            "before s",
            "before MB",
            "briefgen s",
            "before ÷ now",
            "vs our cold",
            "naive s",
            "÷naive",
            "chromium s",
            "÷chromium",
            "peak RSS MB",
            "PDF KB",
            "naive / chromium PDF KB",
        ]
        rows = [head, ["---"] * len(head), *self.rows]
        return "\n".join("| " + " | ".join(row) + " |" for row in rows)


@dataclass
class Cold:
    """A cold build by the three pipelines, kept for the rows that compare with it."""

    root: Path
    ours: Series
    naive: Series
    chrome: Series | None
    pdf: Path
    naive_pdf: Path


def fresh(out: Path) -> Callable[[str], None]:
    """A ``before`` hook of :func:`revisions`: remove the output folder (its cache with it)."""
    return lambda tag: shutil.rmtree(str(out).replace("{tag}", tag), ignore_errors=True)


def cold_scenario(
    table: Table,
    work: Path,
    people: int,
    photos: int = 0,
    repeat: int = 1,
    baseline: Path | None = None,
) -> Cold:
    """Cold PDF of one meeting by the three pipelines, in turns (a fresh output folder each
    run); at 100 people without photos, all outputs too, in the same rounds."""
    label = f"{people} people" + (f", {photos} photos of 3000 px" if photos else "")
    root = make_tree(work / f"data-{people}-{photos}", people, photos)
    out = work / f"html-{people}-{photos}"
    tagged = work / f"out-{people}-{photos}{{tag}}"
    measure_once(briefgen(root, "--out", out, "--format", "html"))  # for Chromium, untimed
    pdf = tagged / "m-0001" / "book.pdf"
    naive_pdf = work / f"naive-{people}-{photos}.pdf"
    chrome_pdf = work / f"chromium-{people}-{photos}.pdf"
    jobs = revisions([root, "--out", tagged, "--format", "pdf"], baseline, fresh(tagged))
    jobs.append(([PYTHON, str(HERE / "naive.py"), str(root), str(naive_pdf)], None))
    if CHROMIUM is not None:
        html = out / "m-0001" / "book.html"
        jobs.append((chromium_command(html, chrome_pdf, work / "profile"), None))
    every = work / f"all-{people}{{tag}}"
    all_outputs = people == 100 and not photos
    if all_outputs:
        jobs += revisions([root, "--out", every], baseline, fresh(every))
    series = interleave(jobs, repeat)
    ours, old = series[0], series[1] if baseline else None
    naive = series[1 + bool(baseline)]
    chrome = series[2 + bool(baseline)] if CHROMIUM is not None else None
    table.add(
        f"cold PDF, {label}",
        ours,
        naive,
        chrome,
        kb(Path(str(pdf).replace("{tag}", ""))),
        f"{kb(naive_pdf)} / {kb(chrome_pdf)}",
        old=old,
    )
    if all_outputs:
        ours_all, old_all = series[-1 - bool(baseline)], series[-1] if baseline else None
        table.add(f"cold, all outputs, {label}", ours_all, cold=ours, old=old_all)
        table.notes.append(
            f"All outputs together / the book alone, {label}: {ratio(ours_all, ours):.2f}"
            + (f" (before: {ratio(old_all, old):.2f})" if old and old_all else "")
        )
    return Cold(root, ours, naive, chrome, Path(str(pdf).replace("{tag}", "")), naive_pdf)


def add_sentence(root: Path, person: str) -> Callable[[str], None]:
    """A ``before`` hook: one more (different) sentence in the bio of ``person`` in the data
    of the revision at hand (``root`` with ``{tag}`` filled in)."""
    count = [0]

    def change(tag: str = "") -> None:
        count[0] += 1
        path = Path(str(root).replace("{tag}", tag)) / "people" / f"{person}.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text + f"  One more sentence, number {count[0]}.\n", encoding="utf-8")

    return change


def rebuilds(
    table: Table,
    work: Path,
    data: Path,
    person: str,
    label: str,
    args: list[str | Path],
    repeat: int,
    baseline: Path | None,
    reference: Cold | None = None,
) -> None:
    """A cold build, a rebuild with nothing changed and one after a biography changed, of the
    meeting in ``data``, by each revision in turns; each rebuild against the cold builds of
    the same rounds.  Each revision builds its own copy of the data (``{tag}``) into its own
    folders, so that one's edit is no change for the other's no-op."""
    slug = re.sub(r"\W+", "-", label).strip("-").lower()
    root = work / f"data-{slug}{{tag}}"
    for tag in ["", "-before"] if baseline else [""]:
        shutil.copytree(data, Path(str(root).replace("{tag}", tag)))
    cold_out, warm_out = work / f"{slug}-cold{{tag}}", work / f"{slug}-warm{{tag}}"
    for job, _ in revisions([root, "--out", warm_out, *args], baseline):
        measure_once(job)  # the state each rebuild starts from, untimed
    jobs = [
        revisions([root, "--out", cold_out, *args], baseline, fresh(cold_out)),
        revisions([root, "--out", warm_out, *args], baseline),
        revisions([root, "--out", warm_out, *args], baseline, add_sentence(root, person)),
    ]
    series = interleave([job for kind in jobs for job in kind], repeat)
    step = 2 if baseline else 1
    cold, noop, edit = (series[i * step : (i + 1) * step] for i in range(3))
    naive, chrome = (reference.naive, reference.chrome) if reference else (None, None)
    table.add(f"{label}, cold", cold[0], naive, chrome, old=cold[1] if baseline else None)
    for name, runs in (("nothing changed", noop), ("one bio changed", edit)):
        table.add(
            f"{label}, {name}",
            runs[0],
            naive,
            chrome,
            cold=cold[0],
            old=runs[1] if baseline else None,
        )


def startup(table: Table, work: Path, repeat: int, baseline: Path | None) -> None:
    """The start-up figures: no-op and edit rebuilds against cold builds, ``check`` of 1000."""
    data = make_tree(work / "data-100", 100)
    pdf: list[str | Path] = ["--format", "pdf"]
    rebuilds(table, work, data, "person-0003", "PDF, 100 people", pdf, repeat, baseline)
    example_html(table, work, repeat, baseline)
    many = make_tree(work / "data-1000", 1000)
    ours, old = both(["check", many], repeat, baseline)
    table.add("check, 1000 people", ours, old=old)


def example_html(table: Table, work: Path, repeat: int, baseline: Path | None) -> None:
    """HTML builds of the example: cold, nothing changed, one bio changed."""
    example = HERE.parent / "delegations"
    bio = sorted((example / "people").glob("*.yaml"))[0].stem
    label = "HTML only, example meeting (12 people)"
    rebuilds(table, work, example, bio, label, ["--format", "html"], repeat, baseline)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="12,100,1000")
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds, the median shown (the 1000-person book: 1)",
    )
    parser.add_argument(
        "--baseline", type=Path, help="a source tree of the revision to compare with ('before')"
    )
    parser.add_argument("--startup", action="store_true", help="only the start-up figures")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    repeat = args.repeat
    baseline = args.baseline.resolve() if args.baseline else None
    table = Table()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as temp:
        work = Path(temp)
        if args.startup:
            startup(table, work, repeat, baseline)
            report(table, repeat, baseline, started)
            return
        colds = {
            people: cold_scenario(
                table, work, people, repeat=1 if people >= 1000 else repeat, baseline=baseline
            )
            for people in sizes
        }
        photos = cold_scenario(table, work, 12, photos=12, repeat=repeat, baseline=baseline)

        example_html(table, work, repeat, baseline)

        size = 100 if 100 in colds else sizes[0]
        cold = colds[size]
        label = f"PDF, {size} people"
        pdf: list[str | Path] = ["--format", "pdf"]
        rebuilds(table, work, cold.root, "person-0003", label, pdf, repeat, baseline, cold)

        batch = make_tree(work / "batch", 12, 0, meetings=args.batch)
        outs = {jobs: work / f"batch-{jobs}{{tag}}" for jobs in ("1", "2")}
        series = interleave(
            [
                job
                for jobs, out in outs.items()
                for job in revisions([batch, "--out", out, "--jobs", jobs], baseline, fresh(out))
            ],
            repeat,
        )
        step = 2 if baseline else 1
        for index, jobs in enumerate(outs):
            runs = series[index * step : (index + 1) * step]
            table.add(
                f"batch of {args.batch} meetings × 12 people, all outputs, -j {jobs}",
                runs[0],
                cold=series[0] if jobs != "1" else None,
                old=runs[1] if baseline else None,
            )

        largest = max(colds)
        ours, old = both(["check", colds[largest].root], repeat, baseline)
        table.add(f"check, {largest} people", ours, old=old)

        table.notes.append(
            f"Photos: our PDF is {photos.naive_pdf.stat().st_size / photos.pdf.stat().st_size:.1f}"
            "× smaller than the naive script's (twelve 3000 px photos)."
            if photos.pdf.exists() and photos.naive_pdf.exists()
            else "Photos: a PDF is missing."
        )
        per_person = ", ".join(
            f"{people}: {c.ours.seconds / people * 1000:.0f} ms" for people, c in colds.items()
        )
        table.notes.append(f"Cold PDF time per person (linearity): {per_person}.")
    report(table, repeat, baseline, started)


def report(table: Table, repeat: int, baseline: Path | None, started: float) -> None:
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}; load average before/after: "
        f"{LOAD_BEFORE} / {os.getloadavg()[0]:.2f}; {time.perf_counter() - started:.0f} s"
    )
    print(
        f"Each figure is the median of {repeat} rounds (a 1000-person PDF: 1); the commands "
        "compared in a row run in turns, a run each a round, and ratios are the medians of "
        "the rounds' ratios."
    )
    if baseline is not None:
        print(f"'before': the briefgen source tree in {baseline}, measured alongside.")
    if CHROMIUM is None:
        print("Chromium is not installed: its column is empty (apt-get install chromium).")
    print(table.render())
    for note in table.notes:
        print(note)


LOAD_BEFORE = f"{os.getloadavg()[0]:.2f}"

if __name__ == "__main__":
    main()
