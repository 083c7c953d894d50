"""Where PDFs are laid out: in a pool of layout processes, the heaviest document first,
or in this process, one after another (:class:`Layout`).

Light enough for an HTML-only build, which makes a :class:`Layout` it never uses, to import
without the parts machinery of :mod:`briefgen.build.bookpdf`.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Layout:
    """Where a PDF is laid out: in ``pool``, or in this process when it is None.

    Work goes to the pool at most ``jobs`` at a time, the longest document
    waiting first, whoever queued it: the place cards and pocket list are laid
    out among the book's parts, not after them, where they would hold up the
    book's last step.
    """

    pool: Executor | None = None
    jobs: int = 1
    _queue: _Queue | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.pool is not None:
            object.__setattr__(self, "_queue", _Queue(self.pool, max(self.jobs, 1)))

    def submit(self, function: Callable[..., Any], /, **kwargs: Any) -> Future[Any]:
        """``function(**kwargs)`` in a process of the pool, or here and now."""
        if self._queue is not None:
            return self._queue.submit(len(str(kwargs.get("html", ""))), function, kwargs)
        return _now(function, **kwargs)

    def background(self, function: Callable[..., Any], /, *args: Any) -> Future[Any]:
        """``function(*args)`` in a thread of this process with a pool (it waits for the pool's
        work while this process queues more), or here and now."""
        if self.pool is None:
            return _now(function, *args)
        future: Future[Any] = Future()

        def run() -> None:
            try:
                future.set_result(function(*args))
            except BaseException as exc:  # handed to whoever asks for the result
                future.set_exception(exc)

        threading.Thread(target=run, name="briefgen-book", daemon=True).start()
        return future


class _Queue:
    """Hands work to ``pool`` at most ``jobs`` at a time, the heaviest waiting first."""

    def __init__(self, pool: Executor, jobs: int) -> None:
        self._pool = pool
        self._jobs = jobs
        self._lock = threading.Lock()
        self._waiting: list[tuple[int, int, Callable[..., Any], dict[str, Any], Future[Any]]] = []
        self._running = 0
        self._order = itertools.count()

    def submit(
        self, weight: int, function: Callable[..., Any], kwargs: dict[str, Any]
    ) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            heapq.heappush(self._waiting, (-weight, next(self._order), function, kwargs, future))
        self._dispatch()
        return future

    def _dispatch(self) -> None:
        while True:
            with self._lock:
                if self._running >= self._jobs or not self._waiting:
                    return
                _, _, function, kwargs, future = heapq.heappop(self._waiting)
                self._running += 1
            try:
                started = self._pool.submit(function, **kwargs)
            except BaseException as exc:  # a pool shut down or broken: handed to the caller
                with self._lock:
                    self._running -= 1
                future.set_exception(exc)
                continue
            started.add_done_callback(functools.partial(self._finished, future))

    def _finished(self, future: Future[Any], done: Future[Any]) -> None:
        with self._lock:
            self._running -= 1
        if done.cancelled():
            future.cancel()
        elif (exc := done.exception()) is not None:
            future.set_exception(exc)
        else:
            future.set_result(done.result())
        self._dispatch()


def lay_out_pdf(**kwargs: Any) -> bytes:
    """:func:`briefgen.outputs.pdf.render_pdf`, imported where it runs: in a layout process,
    so that a build handing its PDFs to a pool never imports WeasyPrint itself."""
    from briefgen.outputs.pdf import render_pdf

    return render_pdf(**kwargs)


def _now(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
    """A future already done: ``function``'s result, or the exception it raised."""
    future: Future[Any] = Future()
    try:
        future.set_result(function(*args, **kwargs))
    except BaseException as exc:  # handed to whoever asks for the result
        future.set_exception(exc)
    return future
