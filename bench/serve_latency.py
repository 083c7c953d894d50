"""Measure how long a save takes to show in the browser with ``briefgen serve``.

Copies the example data to a temporary folder, serves it on a free port of
127.0.0.1, opens the Ankara book in headless Chromium, then edits a member's
role N times (default 10).  For each edit it reports:

* ``dom``: from just before the file is written until the new role is in the
  page's text, as seen by polling the page every few milliseconds;
* ``frame``: from the same moment until the animation frame that first
  shows the change begins, timed inside the page (a MutationObserver notes
  the change, ``requestAnimationFrame`` the frame), so without polling error;
* ``build``: the server's load + validate + render time for that edit.

With ``--tabs N`` (e.g. 10, more than a browser's six connections per host)
it opens N tabs instead (the index, the book at two addresses and the PDF
page, in turn), edits once per round and reports, for each tab, when it
showed the edit by the browser's clock: the slowest tab is the figure
(target: 1 s).  The test suite checks that every tab shows the edit at all
(tests/test_serve.py); how fast is measured here, not asserted there.

Usage: .venv/bin/python bench/serve_latency.py [--edits 10] [--tabs 10] [--screenshot out.png]
Exit 1 when chromium is not installed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefgen.serve.app import PreviewServer  # noqa: E402
from briefgen.serve.preview import ServeOptions  # noqa: E402
from tests.browser import Browser  # noqa: E402

MEETING = "2017-09-28-ankara"
ROLE = "Presidential Press Secretary"
TITLE = "talks at presidential level"
#: Installed before each edit: records when the new text first reaches the DOM and the
#: start of the next animation frame (the frame that paints it), in epoch milliseconds.
OBSERVE = """
window.__frame = null;
new MutationObserver(function (records, observer) {
  if (!document.body || !document.body.innerText.includes(%r)) { return; }
  observer.disconnect();
  requestAnimationFrame(function () {
    window.__frame = performance.timeOrigin + performance.now();
  });
}).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
"""


#: What the tabs show, in turn: the index, the book (two addresses) and its PDF page.
TAB_PATHS = ["", f"{MEETING}/", f"{MEETING}/book.html", f"{MEETING}/pdf"]


def many_tabs(
    server: PreviewServer, browser: Browser, meeting: Path, tabs: int, edits: int
) -> None:
    """Open ``tabs`` tabs, then per edit of the meeting's title (which every tab shows):
    seconds until each tab showed it; the slowest."""
    original = meeting.read_text(encoding="utf-8")
    paths = [TAB_PATHS[n % len(TAB_PATHS)] for n in range(tabs)]
    opened = browser.open_previews(server.url, paths)
    slowest = []
    for number in range(1, edits + 1):
        title = f"{TITLE}, edit {number}"
        time.sleep(0.5)  # let the previous reload settle
        check = f"document.body !== null && document.body.innerText.includes({title!r})"
        for tab in opened:
            tab.note_when(check)
        before = time.time() * 1000
        meeting.write_text(original.replace(TITLE, title), encoding="utf-8")
        for tab in opened:
            tab.wait_for(check, 30)
        seen = sorted((tab.noted_at() - before) / 1000 for tab in opened)
        slowest.append(seen[-1])
        listed = " ".join(f"{t * 1000:4.0f}" for t in seen)
        print(f"edit {number:2}: ms per tab {listed}   slowest {seen[-1] * 1000:5.0f} ms")
    print(
        f"median of {edits} edits, slowest of {tabs} tabs: "
        f"{statistics.median(slowest) * 1000:.0f} ms (target: 1000 ms)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--tabs", type=int, default=1)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as temp:
        data = Path(temp) / "delegations"
        shutil.copytree(REPO / "delegations", data)
        russia = data / MEETING / "russia.yaml"
        original = russia.read_text(encoding="utf-8")
        with PreviewServer(data, ServeOptions(port=0)) as server, Browser(chromium) as browser:
            if args.tabs > 1:
                many_tabs(server, browser, data / MEETING / "meeting.yaml", args.tabs, args.edits)
                return 0
            tab = browser.new_tab()
            tab.navigate(f"{server.url}{MEETING}/")
            assert ROLE in tab.text(), "the example book did not load"
            dom, frame, build = [], [], []
            for number in range(1, args.edits + 1):
                role = f"Press Secretary, edit {number}"
                time.sleep(0.5)  # let the previous reload settle
                tab.evaluate(OBSERVE % role)
                before = time.time()
                russia.write_text(original.replace(ROLE, role), encoding="utf-8")
                tab.wait_for(
                    f"document.body && document.body.innerText.includes({role!r})", 10, 0.002
                )
                seen = time.time()
                framed = tab.wait_for("window.__frame", 5)
                dom.append(seen - before)
                frame.append(framed / 1000 - before)
                page = server.preview.page(MEETING)
                build.append(page.seconds if page else float("nan"))
                print(
                    f"edit {number:2}: dom {dom[-1] * 1000:6.0f} ms"
                    f"   frame {frame[-1] * 1000:6.0f} ms   build {build[-1] * 1000:5.0f} ms"
                )
            if args.screenshot:
                tab.screenshot(args.screenshot)
    print(
        f"median of {args.edits}: dom {statistics.median(dom) * 1000:.0f} ms, "
        f"frame {statistics.median(frame) * 1000:.0f} ms, "
        f"build {statistics.median(build) * 1000:.0f} ms (target: 300 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
