"""Bounds on the work one template render may do: time, and the size of what it makes.

A template from the data folder can ask for unbounded work in a line
(``'a' * 10**9``, ``9 ** 9 ** 9``, loops within loops).  The sandbox routes
the operations that make big values or run long through here:

- ``*``, ``**``, ``+`` and ``%`` on strings, lists and integers are checked
  *before* the result is made (:func:`bounded_binop`);
- every filter and call checks the clock, and a filter given a width or
  count larger than the character budget is refused (:func:`bounded_filter`);
- every ``{% for %}`` loop checks the clock as it goes (:func:`bounded_iter`,
  compiled into the loop), so loops within loops stop too;
- the rendered page is counted as it is produced (see ``render_plain``).

The budget of a render (``--timeout`` and ``--limit render_chars=N``) is set by
the caller with :func:`render_budget`; it is kept in a context variable, so
each thread (the preview server's rebuilds) has its own.
"""

from __future__ import annotations

import functools
import operator
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import jinja2

from briefgen.limits import DEFAULT_LIMITS

#: Largest integer result of ``**`` in bits (a 20,000-digit number).
MAX_POWER_BITS = 64_000
#: Items between two looks at the clock in a loop.
_CHECK_EVERY = 1024


class RenderLimit(jinja2.TemplateError):
    """A template asked for more work than its budget allows."""


@dataclass(frozen=True)
class RenderBudget:
    """Seconds (``None`` or 0: no limit) and characters one render may use."""

    timeout: float | None = DEFAULT_LIMITS.timeout
    chars: int = DEFAULT_LIMITS.render_chars


_DEFAULT = RenderBudget()
_BUDGET: ContextVar[RenderBudget | None] = ContextVar("briefgen_render_budget", default=None)
_DEADLINE: ContextVar[float | None] = ContextVar("briefgen_render_deadline", default=None)


def _budget() -> RenderBudget:
    return _BUDGET.get() or _DEFAULT


@contextmanager
def render_budget(timeout: float | None, chars: int) -> Iterator[None]:
    """Renders inside the block get ``timeout`` seconds and ``chars`` characters each."""
    token = _BUDGET.set(RenderBudget(timeout, chars))
    try:
        yield
    finally:
        _BUDGET.reset(token)


@contextmanager
def running() -> Iterator[RenderBudget]:
    """One render: start its clock (see :func:`check_time`)."""
    budget = _budget()
    deadline = time.monotonic() + budget.timeout if budget.timeout else None
    token = _DEADLINE.set(deadline)
    try:
        yield budget
    finally:
        _DEADLINE.reset(token)


def check_time() -> None:
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise RenderLimit(
            f"the template took longer than {_budget().timeout:g} seconds to render "
            "(a loop within loops?); simplify it or raise --timeout"
        )


def check_size(size: int, what: str = "a value") -> None:
    chars = _budget().chars
    if size > chars:
        raise RenderLimit(
            f"the template makes {what} of {size:,} characters or items, more than the "
            f"limit of {chars:,}; simplify it or raise it with --limit render_chars=N"
        )


_WIDTH = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_format(text: str) -> None:
    """Refuse ``%``-format widths (``%999999999d``, ``%*s``) beyond the budget."""
    for match in _WIDTH.finditer(text):
        for group in match.groups():
            if group == "*":
                raise RenderLimit("the template uses a '*' width in a format; write the width")
            if group is not None:
                check_size(int(group), "a formatted field")


def bounded_binop(symbol: str, left: Any, right: Any) -> Any:
    """``left symbol right`` for ``*``, ``**``, ``+`` and ``%``, refused if too big."""
    check_time()
    if symbol == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(count, int):
                check_size(len(seq) * max(count, 0), "a repeated string or list")
        return operator.mul(left, right)
    if symbol == "**":
        huge = isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0
        if huge and right * abs(left).bit_length() > MAX_POWER_BITS:
            raise RenderLimit("the template raises a number to a huge power")
        return operator.pow(left, right)
    if symbol == "+":
        if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            check_size(len(left) + len(right), "a joined string or list")
        return operator.add(left, right)
    if symbol == "%" and isinstance(left, str):
        _check_format(left)
    return operator.mod(left, right)


def check_arguments(name: str, subject: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse a call or filter whose result would be too big, before it is made.

    Any integer argument is a width or count (``center``, ``indent``,
    ``zfill``, ``batch``); ``replace``, ``join`` and ``indent`` are
    estimated from their inputs, ``format`` and ``%`` from their widths.
    """
    check_time()
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool):
            check_size(abs(value), f"a '{name}' width or count")
    if name == "replace" and isinstance(subject, str) and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        grows = max(len(new) - len(old), 0) * (subject.count(old) if old else len(subject) + 1)
        check_size(len(subject) + grows, "a replaced string")
    elif name == "join" and isinstance(subject, str) and args and isinstance(args[0], list | tuple):
        items = list(args[0])
        check_size(sum(len(str(x)) for x in items) + len(subject) * len(items), "a joined string")
    elif name == "indent" and isinstance(subject, str) and args and isinstance(args[0], int):
        check_size(len(subject) + (subject.count("\n") + 1) * abs(args[0]), "an indented text")
    elif name == "format" and isinstance(subject, str):
        _check_format(subject)


def bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that checks the clock and its arguments (see :func:`check_arguments`)."""

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        passed = getattr(function, "jinja_pass_arg", None)
        values = args[1:] if passed is not None else args
        if values:
            check_arguments(name, values[0], tuple(values[1:]), kwargs)
        result = function(*args, **kwargs)
        if isinstance(result, str | list):
            check_size(len(result), f"the result of '{name}'")
        return result

    return checked


def bounded_concat(value: Any) -> Any:
    """The result of ``~`` (string concatenation), refused when it outgrows the budget."""
    check_size(len(value), "a joined string")
    return value


def _counted(items: Iterator[Any]) -> Iterator[Any]:
    for index, item in enumerate(items):
        if index % _CHECK_EVERY == 0:
            check_time()
        yield item


def bounded_iter(value: Any) -> Iterator[Any]:
    """What a template's ``{% for %}`` walks: ``value``, looking at the clock as it goes."""
    return _counted(iter(value))
