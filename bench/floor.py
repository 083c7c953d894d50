"""What the two missed targets of issue 20 are up against: floors, measured.

    python bench/floor.py [--people 12,100] [--rounds 5]

1. **Layout** (item 1, cold PDF at the naive script's cost).  For each size, a
   synthetic meeting (``bench/synth.py``) is laid out by WeasyPrint in this
   process, CPU time of layout and writing, three ways: our book's HTML as
   built (our stylesheets, fonts and seating drawing); the same HTML with
   every stylesheet and the seating drawing taken out, so that only the
   content is left, in WeasyPrint's default style; and the naive script's
   HTML (``bench/naive.py``, one name, office and bio a page).  When the
   content alone costs more than the naive script's whole layout, no
   stylesheet makes our book as cheap as the naive one; on N cores a layout
   takes at least its CPU time / N, after WeasyPrint's import.
2. **Start-up** (item 5, edit -> refreshed HTML of the example in 0.3 s).  CPU
   of an HTML build of the example after a biography changed, against a
   process that only imports the modules that build imports (garbage
   collection off): what no change to briefgen's own code goes below while
   it uses pydantic, Jinja, markdown-it, Babel, PyYAML, rapidfuzz and click.

Every figure is the median of ``--rounds`` runs; the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from naive import naive_html  # noqa: E402
from run import ENVIRONMENT, PYTHON  # noqa: E402
from synth import make_tree  # noqa: E402

#: The seating drawing, an SVG image in the book's HTML.
SEATING_IMAGE = re.compile(r'<img class="seating-plan"[^>]*>')
STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.S)


def cpu(work: Callable[[], object], rounds: int) -> float:
    """Median CPU seconds of ``work()`` in this process."""
    times = []
    for _ in range(rounds):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times)


def book_html(root: Path, out: Path) -> tuple[str, Path]:
    """Our book's HTML of the meeting under ``root``, and the meeting's folder."""
    from briefgen.build.run import build_project
    from briefgen.options import BuildOptions
    from briefgen.project.load import load_project

    project = load_project(root)
    [html] = build_project(project, BuildOptions(out, "html"))
    [folder] = [m.folder for m in project.meetings]
    return html.read_text(encoding="utf-8"), folder


def layout_floor(people: int, work: Path, rounds: int) -> None:
    import weasyprint

    from briefgen.outputs.pdf import render_pdf
    from briefgen.project.config import asset_folders

    root = make_tree(work / f"data-{people}", people)
    ours, folder = book_html(root, work / f"out-{people}")
    bare = SEATING_IMAGE.sub("", STYLE.sub("", ours))
    naive = naive_html(root)
    allowed = asset_folders(root, folder, None)

    def plain(html: str) -> Callable[[], object]:
        base = str(root) + "/"
        return lambda: weasyprint.HTML(string=html, base_url=base).render().write_pdf()

    def pages(html: str) -> int:
        return len(weasyprint.HTML(string=html, base_url=str(root) + "/").render().pages)

    render_pdf("<p>warm</p>", base_dir=folder, allowed=allowed)
    plain("<p>warm</p>")()
    styled = cpu(lambda: render_pdf(ours, base_dir=folder, allowed=allowed), rounds)
    content = cpu(plain(bare), rounds)
    reference = cpu(plain(naive), rounds)
    print(f"\n{people} people, layout and writing, CPU s (median of {rounds}):")
    print(f"  our book as built:              {styled:6.2f}  ({pages(ours)} pages)")
    print(f"  its content alone, no styles:   {content:6.2f}  ({pages(bare)} pages)")
    print(f"  the naive script's HTML:        {reference:6.2f}  ({pages(naive)} pages)")
    print(
        f"  content alone / naive: {content / reference:.2f}×; "
        f"as built / naive: {styled / reference:.2f}×"
    )


def child_cpu(command: list[str]) -> float:
    """CPU seconds (user + sys) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, env=ENVIRONMENT, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


BUILD = """
import sys
from briefgen.cli.main import run
try:
    run()
except SystemExit as exit:
    assert not exit.code, exit.code
with open(MODULES, "w") as file:
    file.write("\\n".join(name for name in sys.modules if name != "__main__"))
"""

IMPORT_ONLY = """
import gc, importlib
gc.disable()
for name in open(MODULES).read().split():
    if OURS or name.partition(".")[0] != "briefgen":
        try:
            importlib.import_module(name)
        except Exception:
            pass  # a module that only imports as part of another
gc.freeze()  # as the build does: no last collection over it all at exit
"""


def startup_floor(work: Path, rounds: int) -> None:
    example = work / "example" / "delegations"
    shutil.copytree(HERE.parent / "delegations", example)
    bio = sorted((example / "people").glob("*.yaml"))[0]
    modules = work / "modules.txt"
    out = work / "html"
    build = [
        PYTHON,
        "-c",
        f"MODULES = {str(modules)!r}\n" + BUILD,
        "build",
        str(example),
        "--out",
        str(out),
        "--format",
        "html",
    ]
    child_cpu(build)  # cold: the edits below rebuild one meeting, as the bench's edit does
    edits: list[float] = []
    imports: list[float] = []
    theirs: list[float] = []
    for round_ in range(rounds):
        with bio.open("a", encoding="utf-8") as file:
            file.write(f"  One more sentence, number {round_}.\n")
        edits.append(child_cpu(build))
        for ours, times in ((True, imports), (False, theirs)):
            code = f"MODULES = {str(modules)!r}\nOURS = {ours}\n" + IMPORT_ONLY
            times.append(child_cpu([PYTHON, "-c", code]))
    names = modules.read_text(encoding="utf-8").split()
    count, own = len(names), sum(name.partition(".")[0] == "briefgen" for name in names)
    bare = statistics.median(child_cpu([PYTHON, "-c", "pass"]) for _ in range(rounds))
    edit, floor = statistics.median(edits), statistics.median(imports)
    libraries = statistics.median(theirs)
    print(f"\nEdit -> HTML of the example, CPU s of a fresh process (median of {rounds}):")
    print(f"  the build after a biography changed:             {edit:.3f}")
    print(f"  importing its {count} modules, nothing else:        {floor:.3f}")
    print(f"  importing them but briefgen's own {own}:          {libraries:.3f}")
    print(f"  Python starting and ending, nothing else:         {bare:.3f}")
    print(f"  all imports / build: {floor / edit:.0%}; the libraries': {libraries / edit:.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", default="12,100")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="briefgen-floor-") as temp:
        for people in (int(p) for p in args.people.split(",")):
            layout_floor(people, Path(temp), args.rounds)
        startup_floor(Path(temp), args.rounds)
    print(f"\nload average before / after: {load:.2f} / {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
