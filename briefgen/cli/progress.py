"""What ``build`` shows while it runs: live rows on a terminal, plain lines in a log.

On a terminal each meeting being built has a row with its current step
(validate, HTML, PDF layout with the page reached, write) and its elapsed
time, above a bar of meetings done.  Anywhere else (a CI log) every output
written is one line with the time it took, and a step that runs long (a
large book's PDF layout) prints a line every :data:`HEARTBEAT` seconds, so
the log never falls silent.  ``-q`` shows neither; ``-v`` adds a line per
step with its time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.cli.common import QUIET, VERBOSE, make_console
from briefgen.cli.report import Output

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from briefgen.build.run import Event

#: Seconds between "still working" lines for a long step in a log.
HEARTBEAT = 10.0
#: What each output's step is called.
STEP_NAMES = {
    "book.html": "HTML",
    "book.pdf": "PDF layout",
    "place-cards.pdf": "place cards, PDF layout",
    "pocket.pdf": "pocket list, PDF layout",
    "seating.svg": "seating plan",
    "programme.ics": "calendar",
    "copies": "numbered copies, PDF layout",
    "write": "write",
}


def step_name(output: str) -> str:
    return STEP_NAMES.get(output, output)


def seconds(value: float) -> str:
    return f"{value:.1f} s" if value >= 1 else f"{value:.2f} s"


@dataclass
class _Running:
    """A meeting being built: its step, since when, the page reached."""

    step: str
    started: float
    step_started: float
    page: str = ""
    told: float = 0.0


class BuildDisplay:
    """The build's :data:`~briefgen.build.run.Progress` callback, and what it shows."""

    def __init__(self, level: int) -> None:
        self._level = level
        self._console: Output = make_console()
        self._live = self._console.is_interactive and level > QUIET
        self._lock = threading.RLock()
        self._running: dict[str, _Running] = {}
        self._bar: Progress | None = None
        self._rows: dict[str, TaskID] = {}
        self._overall: TaskID | None = None
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        #: Meetings the cache found up to date.
        self.up_to_date: list[str] = []

    def __enter__(self) -> BuildDisplay:
        if self._live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            columns = (
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[count]}"),
                TimeElapsedColumn(),
            )
            assert isinstance(self._console, Console)  # an interactive console is rich's
            self._bar = Progress(*columns, console=self._console, transient=True)
            self._bar.start()
        elif self._level > QUIET:
            self._ticker = threading.Thread(target=self._beat, name="briefgen-heartbeat")
            self._ticker.daemon = True
            self._ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._bar is not None:
            self._bar.stop()
        if self._ticker is not None:
            self._ticker.join(2)

    @contextmanager
    def validating(self, what: str) -> Iterator[None]:
        """The validate step of a data folder (all its meetings at once)."""
        started = time.perf_counter()
        row = None
        if self._bar is not None:
            row = self._bar.add_task(f"validate {what}", total=None, count="")
        try:
            yield
        finally:
            if self._bar is not None and row is not None:
                self._bar.remove_task(row)
        self._verbose(f"validated {what} ({seconds(time.perf_counter() - started)})")

    def meetings(self, total: int) -> None:
        """How many meetings the build goes through."""
        if self._bar is not None and total > 1:
            self._overall = self._bar.add_task("meetings", total=total, count=f"0/{total}")

    def __call__(self, event: Event) -> None:
        with self._lock:
            now = time.perf_counter()
            if event.kind == "start":
                self._start(event.meeting, event.output, now)
            elif event.kind == "page" and event.meeting in self._running:
                self._running[event.meeting].page = event.detail
                self._show(event.meeting)
            elif event.kind == "written":
                if self._level > QUIET:
                    make_console(stderr=False).print(
                        f"wrote {event.output} ({seconds(event.seconds)})"
                    )
            else:
                self._finish(event.meeting, event.kind, now)

    def skipped(self, meeting: str) -> None:
        """``meeting`` is up to date (found so before it was loaded: nothing else happens)."""
        with self._lock:
            self._finish(meeting, "up to date", time.perf_counter())

    def _start(self, meeting: str, output: str, now: float) -> None:
        running = self._running.get(meeting)
        if running is None:
            running = self._running[meeting] = _Running(output, now, now)
            if self._bar is not None:
                self._rows[meeting] = self._bar.add_task(meeting, total=None, count="")
        else:
            self._step_done(meeting, running, now)
            running.step, running.step_started, running.page = output, now, ""
        self._show(meeting)

    def _step_done(self, meeting: str, running: _Running, now: float) -> None:
        self._verbose(
            f"{meeting}: {step_name(running.step)} ({seconds(now - running.step_started)})"
        )

    def _finish(self, meeting: str, state: str, now: float) -> None:
        running = self._running.pop(meeting, None)
        if state == "up to date":
            self.up_to_date.append(meeting)
        if running is not None:
            self._step_done(meeting, running, now)
            self._verbose(f"{meeting}: {state} in {seconds(now - running.started)}")
        if self._bar is None:
            return
        row = self._rows.pop(meeting, None)
        if row is not None:
            self._bar.remove_task(row)
        if self._overall is not None:
            self._bar.advance(self._overall)
            task = self._bar.tasks[self._overall]
            self._bar.update(self._overall, count=f"{int(task.completed)}/{int(task.total or 0)}")

    def _show(self, meeting: str) -> None:
        running = self._running[meeting]
        if self._bar is not None and meeting in self._rows:
            page = f", {running.page}" if running.page else ""
            text = f"{meeting}: {step_name(running.step)}{page}"
            self._bar.update(self._rows[meeting], description=text)

    def _beat(self) -> None:
        """In a log: a line for every step that has run for another :data:`HEARTBEAT` s."""
        while not self._stop.wait(1.0):
            with self._lock:
                now = time.perf_counter()
                for meeting, running in self._running.items():
                    if now - max(running.step_started, running.told) < HEARTBEAT:
                        continue
                    running.told = now
                    page = f", {running.page}" if running.page else ""
                    self._console.print(
                        f"{meeting}: {step_name(running.step)}{page}, "
                        f"{now - running.step_started:.0f} s so far"
                    )

    def _verbose(self, message: str) -> None:
        if self._level >= VERBOSE:
            self._console.print(message, style="dim")
