"""The helper processes of a parallel build: the relay of progress events and the parent watch.

Worker processes put their events on a queue served by a manager process; a
thread of the build drains it.  Every helper ends itself when the build that
started it is gone (killed), instead of living on with its output pipes open.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any


@contextlib.contextmanager
def relay(progress: Callable[[Any], None] | None) -> Iterator[Any]:
    """A queue worker processes can put events on, drained into ``progress`` by a thread."""
    if progress is None:
        yield None
        return
    from multiprocessing.managers import SyncManager

    manager = SyncManager()
    manager.start(exit_with_parent, (os.getpid(),))
    with manager:
        queue = manager.Queue()

        def drain() -> None:
            while (event := queue.get()) is not None:
                progress(event)

        thread = threading.Thread(target=drain, name="briefgen-progress", daemon=True)
        thread.start()
        try:
            yield queue
        finally:
            queue.put(None)
            thread.join(5)


def exit_with_parent(parent: int) -> None:
    """Start a helper process (pool worker, event relay) that ends when the build is killed.

    A killed build's helpers would otherwise live on, holding its output pipes open.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="briefgen-parent", daemon=True).start()


def process_pool(processes: int) -> ProcessPoolExecutor:
    """A pool of ``processes`` workers, each ending when the build is killed."""
    return ProcessPoolExecutor(processes, initializer=exit_with_parent, initargs=(os.getpid(),))


def layout_pool(processes: int) -> ProcessPoolExecutor:
    """A pool of ``processes`` workers started now, each importing the PDF engine as it starts.

    Made when a build begins, before it loads anything: the workers import
    WeasyPrint (a second or so) while this process loads, checks and renders
    the HTML, which then never imports it (see :func:`briefgen.build.bookpdf.lay_out_pdf`).
    """
    pool = ProcessPoolExecutor(processes, initializer=_start_layout, initargs=(os.getpid(),))
    pool.submit(int)  # forks every worker at once (the "fork" start method)
    return pool


def _start_layout(parent: int) -> None:
    exit_with_parent(parent)
    # A missing engine is reported by the first PDF laid out, with what to install.
    with contextlib.suppress(Exception):
        import briefgen.outputs.pdf  # noqa: F401
    # Forked while the build imports with the collector paused (cli.common.runs_once):
    # the engine's modules are kept out of its sight, and collection starts again for the
    # layout, whose boxes refer to each other.
    gc.freeze()
    gc.enable()
