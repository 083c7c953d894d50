"""Exceptions and located problems.

Every failure a user can cause is a :class:`BriefgenError`; the CLI turns
them into messages and exit code 1.  Anything else is a bug in briefgen and is
allowed to show a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from briefgen.codes import CODES, Severity


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, at a place in a file.

    ``line`` and ``col`` are 1-based; 0 means "the whole file".  ``code`` is
    a stable code from :mod:`briefgen.codes`; it decides the severity.
    """

    file: Path
    line: int
    col: int
    message: str
    hint: str | None = None
    code: str = "BG214"

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    @property
    def slug(self) -> str:
        return CODES[self.code].slug

    def text(self) -> str:
        """The message and hint as one sentence, without location."""
        return f"{self.message}; {self.hint}" if self.hint else self.message

    def format(self, relative_to: Path | None = None) -> str:
        """Render as ``file:line:col: error: message; hint [code]``, the compiler convention.

        The line is :func:`printable`: file names and quoted data cannot move
        the cursor, colour the terminal or start a forged line.
        """
        return printable(
            f"{display_path(self.file, relative_to)}:{self.line}:{self.col}: "
            f"{self.severity}: {self.text()} [{self.code}]"
        )


#: Characters never written raw to a terminal or a log: C0 and C1 controls (escape
#: sequences, CR, LF, BS), DEL, bidirectional controls, line separators, surrogates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every unprintable character shown as ``\\xNN`` / ``\\uNNNN``."""

    def show(match: re.Match[str]) -> str:
        char = match.group()
        if keep_newlines and char == "\n":
            return char
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(show, text)


def display_path(path: Path, relative_to: Path | None = None) -> str:
    """Show ``path`` relative to the working directory when it is below it."""
    base = relative_to or Path.cwd()
    try:
        return Path(os.path.relpath(path, base)).as_posix() if _is_below(path, base) else str(path)
    except ValueError:
        return str(path)


def _is_below(path: Path, base: Path) -> bool:
    try:
        path.resolve().relative_to(base.resolve())
    except ValueError:
        return False
    return True


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sort by file, line and column, dropping exact duplicates."""
    return sorted(set(problems), key=lambda p: (str(p.file), p.line, p.col, p.message))


class BriefgenError(Exception):
    """Root of every error caused by input or environment rather than a bug."""


class ValidationFailed(BriefgenError):
    """The input data has one or more problems; all of them are in ``problems``."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sort_problems(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the input")


class InvalidAtRevision(ValidationFailed):
    """The meeting as it was at a git revision does not validate; ``revision`` names it."""

    def __init__(self, problems: Iterable[Problem], revision: str) -> None:
        super().__init__(problems)
        self.revision = revision


class GitError(BriefgenError):
    """Git is needed and failed: not installed, an unknown revision, a shallow clone."""


class UncommittedInputs(BriefgenError):
    """``build --final`` was asked to build from inputs that differ from their commit."""


class RenderError(BriefgenError):
    """A template or the PDF engine could not produce a correct output."""


class PdfEngineMissing(RenderError):
    """PDF output was asked for, but WeasyPrint (the ``pdf`` extra) is missing or cannot load."""


class OutputError(BriefgenError):
    """An output file could not be written."""


class BuildFailed(RenderError):
    """Some meetings failed to render; the others were written (``written``).

    ``problems`` holds the located problems behind the failures (e.g. the
    meeting as it was at ``--changes-since REV`` does not validate), printed
    as ``check`` prints them.
    """

    def __init__(
        self, failures: list[str], written: list[Path], problems: Iterable[Problem] = ()
    ) -> None:
        super().__init__("\n".join(failures))
        self.failures = failures
        self.written = written
        self.problems = sort_problems(problems)
