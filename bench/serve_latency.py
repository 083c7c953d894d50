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

Usage: .venv/bin/python bench/serve_latency.py [--edits 10] [--screenshot out.png]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10)
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
