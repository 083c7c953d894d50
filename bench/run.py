"""The benchmark: ``make bench`` (or ``python bench/run.py [--sizes 12,100,1000]``).

Every figure is wall time of a fresh process (process start included), measured
in this run on this machine, for briefgen next to (a) bench/naive.py, a naive
single-template Jinja + WeasyPrint script, and (b) headless Chromium printing
briefgen's own HTML to PDF (Debian's ``chromium``; skipped with a note when it
is not installed).  Peak RSS is per process (``wait4``).
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
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import make_tree  # noqa: E402

PYTHON = sys.executable
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


def measure(command: list[str], cwd: Path | None = None) -> Run:
    """Wall time and peak RSS of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0 and process.stderr is not None:
        sys.stderr.write(process.stderr.read().decode(errors="replace")[-2000:])
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode == 0)


def briefgen(*args: str | Path) -> list[str]:
    return [PYTHON, "-m", "briefgen", "build", *map(str, args)]


def chromium_pdf(html: Path, pdf: Path, profile: Path) -> Run | None:
    if CHROMIUM is None:
        return None
    return measure(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ]
    )


def kb(path: Path) -> str:
    return f"{path.stat().st_size / 1024:,.0f}" if path.exists() else "-"


class Table:
    def __init__(self) -> None:
        self.rows: list[list[str]] = []

    def add(
        self,
        name: str,
        ours: Run,
        naive: Run | None = None,
        chrome: Run | None = None,
        size: str = "-",
        other_size: str = "-",
    ) -> None:
        def secs(run: Run | None) -> str:
            return "-" if run is None else (f"{run.seconds:.2f}" if run.ok else "FAILED")

        def ratio(run: Run | None) -> str:
            return "-" if run is None or not run.ok else f"{ours.seconds / run.seconds:.2f}×"

        self.rows.append(
            [
                name,
                secs(ours),
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
            "briefgen s",
            "naive s",
            "÷naive",
            "chromium s",
            "÷chromium",
            "RSS MB",
            "PDF KB",
            "naive/chromium PDF KB",
        ]
        rows = [head, ["---"] * len(head), *self.rows]
        return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def cold_scenario(table: Table, work: Path, people: int, photos: int = 0) -> Path:
    """Cold PDF of one meeting by the three pipelines; returns the data root."""
    label = f"{people} people" + (f", {photos} photos of 3000 px" if photos else "")
    root = make_tree(work / f"data-{people}-{photos}", people, photos)
    out = work / f"out-{people}-{photos}"
    force = ["--force"] if supports("--force") else []
    ours = measure(briefgen(root, "--out", out, "--format", "pdf", *force))
    measure(briefgen(root, "--out", out, "--format", "html", *force))  # for Chromium, untimed
    pdf = out / "m-0001" / "book.pdf"
    naive_pdf = work / f"naive-{people}-{photos}.pdf"
    naive = measure([PYTHON, str(HERE / "naive.py"), str(root), str(naive_pdf)])
    chrome_pdf = work / f"chromium-{people}-{photos}.pdf"
    chrome = chromium_pdf(out / "m-0001" / "book.html", chrome_pdf, work / "profile")
    table.add(
        f"cold PDF, {label}", ours, naive, chrome, kb(pdf), f"{kb(naive_pdf)} / {kb(chrome_pdf)}"
    )
    return root


def supports(flag: str) -> bool:
    help_text = subprocess.run(
        [PYTHON, "-m", "briefgen", "build", "--help"], capture_output=True, text=True
    ).stdout
    return flag in help_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="12,100,1000")
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    table = Table()
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as temp:
        work = Path(temp)
        roots = {people: cold_scenario(table, work, people) for people in sizes}
        cold_scenario(table, work, 12, photos=12)

        example = Path(__file__).resolve().parent.parent / "delegations"
        table.add(
            "HTML-only build, example meeting",
            measure(briefgen(example, "--out", work / "html", "--format", "html")),
        )

        size = 100 if 100 in roots else sizes[0]
        middle, out = roots[size], work / f"out-{size}-0"
        table.add(
            f"no-op rebuild (cache), {size} people"
            if supports("--force")
            else f"rebuild, nothing changed (no cache yet), {size} people",
            measure(briefgen(middle, "--out", out, "--format", "pdf")),
        )
        bio = middle / "people" / "person-0003.yaml"
        bio.write_text(bio.read_text(encoding="utf-8") + "  One more sentence.\n", encoding="utf-8")
        table.add(
            f"rebuild after one bio changed, {size} people",
            measure(briefgen(middle, "--out", out, "--format", "pdf")),
        )

        batch = make_tree(work / "batch", 12, 0, meetings=args.batch)
        if supports("--jobs"):
            for jobs in ("1", "2"):
                table.add(
                    f"batch of {args.batch} meetings × 12 people, -j {jobs}",
                    measure(briefgen(batch, "--out", work / f"batch-{jobs}", "--jobs", jobs)),
                )
        else:
            table.add(
                f"batch of {args.batch} meetings × 12 people, sequential",
                measure(briefgen(batch, "--out", work / "batch-1")),
            )
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )
    if CHROMIUM is None:
        print("Chromium is not installed: its column is empty (apt-get install chromium).")
    print(table.render())


if __name__ == "__main__":
    main()
