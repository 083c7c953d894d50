"""Watch the data and template folders in a background thread.

A save in an editor becomes one call of ``on_change`` with the set of paths
touched, about ``step_ms`` after the last write (editors often write a file
in several steps: a temporary file, a rename, a chmod).  The thread survives
anything the callback raises, and stops within ``step_ms`` of :meth:`stop`.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

#: Milliseconds of quiet after a change before it is reported; the floor of the reload latency.
STEP_MS = 30
#: Longest time changes are grouped while writes keep coming.
DEBOUNCE_MS = 400

ChangeHandler = Callable[[set[Path]], None]


class Watcher:
    """Call ``on_change(paths)`` from a daemon thread whenever files below ``folders`` change."""

    def __init__(
        self, folders: Sequence[Path], on_change: ChangeHandler, *, step_ms: int = STEP_MS
    ) -> None:
        self._folders = list(dict.fromkeys(folders))
        self._on_change = on_change
        self._step_ms = step_ms
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="briefgen-watch", daemon=True)

    def start(self) -> None:
        """Start the thread; return once the folders are being watched."""
        self._thread.start()
        self._ready.wait(5)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop and wait for it (it notices within one step)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        from watchfiles import watch

        while not self._stop.is_set():
            try:
                changes = watch(
                    *self._folders,
                    debounce=DEBOUNCE_MS,
                    step=self._step_ms,
                    stop_event=self._stop,
                    rust_timeout=250,
                    yield_on_timeout=True,
                    raise_interrupt=False,
                )
                for batch in changes:
                    self._ready.set()
                    if batch:
                        self._deliver({Path(path) for _, path in batch})
            except Exception as exc:
                # A watched folder deleted and recreated, too many inotify watches...:
                # report it and start watching again rather than going silently deaf.
                print(f"briefgen serve: file watcher restarted ({exc})", file=sys.stderr)
                self._ready.set()
                self._stop.wait(1.0)

    def _deliver(self, paths: set[Path]) -> None:
        try:
            self._on_change(paths)
        except Exception:
            print("briefgen serve: internal error while rebuilding:", file=sys.stderr)
            traceback.print_exc()
