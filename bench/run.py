"""The benchmark: ``make bench`` (or ``python bench/run.py [--sizes 12,100,1000]``).

Every figure is wall time of a fresh process (process start included), measured
in this run on this machine, for briefgen next to (a) bench/naive.py, a naive
single-template Jinja + WeasyPrint script, and (b) headless Chromium printing
briefgen's own HTML to PDF (Debian's ``chromium``; skipped with a note when it
is not installed).  Peak RSS is per process (GNU time's %M, else ``wait4``); for
a parallel batch it is the largest of the main process and its workers.

``--baseline DIR`` (a source tree of another briefgen revision, e.g. ``git archive main |
tar -x -C DIR``) adds a "before" column: every briefgen figure is measured for both
revisions in the same run, one right after the other, on the same data.

``--startup`` measures only the start-up figures (issue 20, item 5): a cold PDF and a
no-op rebuild of the 100-person meeting, a cold HTML build, a no-op and a one-bio edit
of the example, and ``check`` of 1000 people.  Processes run with bytecode caching on
(``PYTHONDONTWRITEBYTECODE`` removed), as an installed briefgen does, so the figures do
not include compiling briefgen's own modules on every start.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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


def measure(command: list[str], repeat: int = 1, before: Callable[[], object] | None = None) -> Run:
    """The median of ``repeat`` runs (``before`` runs untimed ahead of each, to reset state)."""
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(measure_once(command))
    runs.sort(key=lambda run: run.seconds)
    middle = runs[len(runs) // 2]
    return Run(middle.seconds, max(run.rss_mb for run in runs), all(run.ok for run in runs))


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


def both(
    args: list[str | Path],
    repeat: int,
    baseline: Path | None,
    before: Callable[[str], object] | None = None,
) -> tuple[Run, Run | None]:
    """This revision's run and the baseline's (None without one), the same arguments each.

    ``before(tag)`` runs untimed ahead of each run; an argument ``"{tag}"`` inside a path is
    replaced by "" for this revision and "-before" for the baseline, so each keeps its folder.
    """

    def command(tag: str, source: Path | None) -> tuple[list[str], Callable[[], object] | None]:
        filled = [Path(str(a).replace("{tag}", tag)) if isinstance(a, Path) else a for a in args]
        return briefgen(*filled, source=source), (lambda: before(tag)) if before else None

    ours_command, ours_before = command("", None)
    ours = measure(ours_command, repeat, ours_before)
    if baseline is None:
        return ours, None
    old_command, old_before = command("-before", baseline)
    return ours, measure(old_command, repeat, old_before)


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
        ours: Run,
        naive: Run | None = None,
        chrome: Run | None = None,
        size: str = "-",
        other_size: str = "-",
        cold: Run | None = None,
        old: Run | None = None,
    ) -> None:
        def secs(run: Run | None) -> str:
            return "-" if run is None else (f"{run.seconds:.2f}" if run.ok else "FAILED")

        def ratio(run: Run | None) -> str:
            return "-" if run is None or not run.ok else f"{ours.seconds / run.seconds:.2f}×"

        faster = "-" if cold is None else f"{cold.seconds / ours.seconds:.1f}× faster"
        gain = "-" if old is None or not old.ok else f"{old.seconds / ours.seconds:.2f}×"
        self.rows.append(
            [
                name,
                secs(old),
                "-" if old is None else f"{old.rss_mb:.0f}",
                secs(ours),
                gain,
                faster,
                secs(naive),
                ratio(naive),
                secs(chrome),
                ratio(chrome),
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
    out: Path
    ours: Run
    naive: Run
    chrome: Run | None
    pdf: Path
    naive_pdf: Path


def fresh(out: Path) -> Callable[[str], None]:
    """A ``before`` hook of :func:`both`: remove the output folder (its cache with it)."""
    return lambda tag: shutil.rmtree(str(out).replace("{tag}", tag), ignore_errors=True)


def cold_scenario(
    table: Table,
    work: Path,
    people: int,
    photos: int = 0,
    repeat: int = 1,
    baseline: Path | None = None,
) -> Cold:
    """Cold PDF of one meeting by the three pipelines (a fresh output folder each run)."""
    label = f"{people} people" + (f", {photos} photos of 3000 px" if photos else "")
    root = make_tree(work / f"data-{people}-{photos}", people, photos)
    out = work / f"out-{people}-{photos}"
    tagged = work / f"out-{people}-{photos}{{tag}}"
    ours, old = both([root, "--out", tagged, "--format", "pdf"], repeat, baseline, fresh(tagged))
    measure_once(briefgen(root, "--out", out, "--format", "html"))  # for Chromium, untimed
    pdf = out / "m-0001" / "book.pdf"
    naive_pdf = work / f"naive-{people}-{photos}.pdf"
    naive = measure([PYTHON, str(HERE / "naive.py"), str(root), str(naive_pdf)], repeat)
    chrome_pdf = work / f"chromium-{people}-{photos}.pdf"
    chrome = None
    if CHROMIUM is not None:
        chrome = measure(
            chromium_command(out / "m-0001" / "book.html", chrome_pdf, work / "profile"), repeat
        )
    table.add(
        f"cold PDF, {label}",
        ours,
        naive,
        chrome,
        kb(pdf),
        f"{kb(naive_pdf)} / {kb(chrome_pdf)}",
        old=old,
    )
    if people == 100 and not photos:
        every = work / f"all-{people}{{tag}}"
        ours_all, old_all = both([root, "--out", every], repeat, baseline, fresh(every))
        table.add(f"cold, all outputs, {label}", ours_all, cold=ours, old=old_all)
        table.notes.append(
            f"All outputs together / the book alone, {label}: {ours_all.seconds / ours.seconds:.2f}"
            + (f" (before: {old_all.seconds / old.seconds:.2f})" if old and old_all else "")
        )
    return Cold(root, tagged, ours, naive, chrome, pdf, naive_pdf)


def supports(flag: str) -> bool:
    help_text = subprocess.run(
        [PYTHON, "-m", "briefgen", "build", "--help"], capture_output=True, text=True
    ).stdout
    return flag in help_text


def add_sentence(path: Path) -> Callable[[str], None]:
    """A ``before`` hook: one more (different) sentence in the bio of the person in ``path``."""
    count = [0]

    def change(_tag: str = "") -> None:
        count[0] += 1
        text = path.read_text(encoding="utf-8")
        path.write_text(text + f"  One more sentence, number {count[0]}.\n", encoding="utf-8")

    return change


def startup(table: Table, work: Path, repeat: int, baseline: Path | None) -> None:
    """The start-up figures: no-op and edit rebuilds against cold builds, ``check`` of 1000."""
    root = make_tree(work / "data-100", 100)
    out = work / "out-100{tag}"
    pdf: list[str | Path] = [root, "--out", out, "--format", "pdf"]
    cold, old_cold = both(pdf, repeat, baseline, fresh(out))
    table.add("cold PDF, 100 people", cold, old=old_cold)
    ours, old = both(pdf, repeat, baseline)
    table.add("PDF rebuild, 100 people, nothing changed", ours, cold=cold, old=old)
    example_html(table, work, repeat, baseline)
    many = make_tree(work / "data-1000", 1000)
    ours, old = both(["check", many], repeat, baseline)
    table.add("check, 1000 people", ours, old=old)


def example_html(table: Table, work: Path, repeat: int, baseline: Path | None) -> None:
    """HTML builds of the example: cold, nothing changed, one bio changed."""
    example = work / "example" / "delegations"
    shutil.copytree(Path(__file__).resolve().parent.parent / "delegations", example)
    html_out = work / "html{tag}"
    html: list[str | Path] = [example, "--out", html_out, "--format", "html"]
    html_cold, html_old = both(html, repeat, baseline, fresh(html_out))
    table.add("HTML-only build, example meeting (12 people), cold", html_cold, old=html_old)
    ours, old = both(html, repeat, baseline)
    table.add("HTML-only rebuild, example, nothing changed", ours, cold=html_cold, old=old)
    bio = sorted((example / "people").glob("*.yaml"))[0]
    ours, old = both(html, repeat, baseline, add_sentence(bio))
    table.add("HTML-only rebuild, example, one bio changed", ours, cold=html_cold, old=old)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="12,100,1000")
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per figure, the median shown (the 1000-person book: 1)",
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
        build: list[str | Path] = [cold.root, "--out", cold.out, "--format", "pdf"]
        ours, old = both(build, repeat, baseline)
        label = f"PDF rebuild, {size} people"
        table.add(
            f"{label}, nothing changed", ours, cold.naive, cold.chrome, cold=cold.ours, old=old
        )
        changed = add_sentence(cold.root / "people" / "person-0003.yaml")
        ours, old = both(build, repeat, baseline, changed)
        table.add(
            f"{label}, one bio changed", ours, cold.naive, cold.chrome, cold=cold.ours, old=old
        )

        batch = make_tree(work / "batch", 12, 0, meetings=args.batch)
        runs = {}
        for jobs in ("1", "2"):
            out = work / f"batch-{jobs}{{tag}}"
            runs[jobs], old = both(
                [batch, "--out", out, "--jobs", jobs], repeat, baseline, fresh(out)
            )
            table.add(
                f"batch of {args.batch} meetings × 12 people, all outputs, -j {jobs}",
                runs[jobs],
                cold=runs["1"] if jobs != "1" else None,
                old=old,
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
    print(f"Each figure is the median of {repeat} runs (a 1000-person PDF: 1 run).")
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
