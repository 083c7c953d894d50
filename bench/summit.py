"""Summit benchmark: ``python bench/summit.py [--sizes 40x8,190x10]``.

Builds a generated summit (bench/synth.py ``--summit``) with every output
(book, table plan, place cards, pocket list) in a fresh process, and prints
wall time and peak RSS per size, with time per person to show it stays linear.

Measured on the 2-core, 24 GB development machine (-j 2; one meeting, whose
PDFs are laid out side by side in one pool, the book in parts), with other
work on the machine (load average 2.4-3.0): 40x8 (320 people) 18.2 s,
144 MB; 190x10 (1 900 people) 98.6 s, 342 MB: 57 and 52 ms per person, so
linear.  Before the book was laid out in parts: 28.0 s, 413 MB and 274.7 s,
1 933 MB (88 and 145 ms per person).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import PYTHON, measure_once  # noqa: E402
from synth import make_summit  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="40x8,190x10")
    parser.add_argument("--jobs", default="2")
    args = parser.parse_args()
    print(f"{'summit':>10} {'people':>7} {'seconds':>8} {'peak MB':>8} {'ms/person':>10}")
    for size in args.sizes.split(","):
        delegations, members = (int(n) for n in size.lower().split("x"))
        with tempfile.TemporaryDirectory() as temp:
            root = make_summit(Path(temp), delegations, members)
            command = [PYTHON, "-m", "briefgen", "build", str(root / "summit")]
            command += ["--out", str(Path(temp) / "out"), "-j", args.jobs, "--format", "all"]
            run = measure_once(command)
            if not run.ok:
                raise SystemExit(f"{size}: build failed")
            people = delegations * members
            per = 1000 * run.seconds / people
            print(f"{size:>10} {people:>7} {run.seconds:8.1f} {run.rss_mb:8.0f} {per:10.1f}")


if __name__ == "__main__":
    main()
