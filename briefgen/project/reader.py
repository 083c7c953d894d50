"""Reading data files: confined to the data root, limits applied, every problem kept."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.errors import Problem
from briefgen.limits import MAX_COMBINING_RUN, Limits
from briefgen.project.confine import Refusal, read_confined
from briefgen.schema.yamlread import DataPath, YamlDocument, YamlReadError, parse_yaml


@dataclass
class Reader:
    """Reads the data files below ``root`` within ``limits``, keeping every problem found."""

    root: Path
    limits: Limits
    problems: list[Problem] = field(default_factory=list)

    def read(self, path: Path) -> YamlDocument | None:
        """Read a data file that must really be inside the data root (see :mod:`.confine`)."""
        raw = read_confined(self.root, path, self.limits.file_bytes)
        if isinstance(raw, Refusal):
            self.problems.append(refused_file(path, raw))
            return None
        try:
            document = parse_yaml(raw, path, self.limits)
        except YamlReadError as exc:
            self.problems.extend(exc.problems)
            return None
        self.problems.extend(check_texts(document, self.limits))
        return document


def refused_file(path: Path, refusal: Refusal) -> Problem:
    """The located problem of a data file that :func:`confine` refused."""
    if refusal.reason == "outside":
        message = "the file is a link to a place outside the data folder"
        hint = "replace the link with a plain file inside the data folder"
        return Problem(path, 1, 1, message, hint, "BG313")
    if refusal.reason == "hidden":
        message = "the file is, or is reached through, a hidden name (starting with '.')"
        hint = "hidden files such as .git are never data; use a plain name"
        return Problem(path, 1, 1, message, hint, "BG313")
    if refusal.reason in ("not-file", "missing"):
        return Problem(
            path, 1, 1, "this is not a regular file", "replace it with a plain YAML file", "BG113"
        )
    detail = "a loop of symbolic links" if refusal.reason == "loop" else refusal.detail
    return Problem(
        path, 1, 1, f"cannot read the file ({detail})", "replace it with a plain file", "BG113"
    )


#: One rule for every text in the data: characters that no printed book needs and that
#: break the formats text reaches (SVG and XML, PDF, iCalendar lines, the terminal):
#: C0 controls but tab and line feed (so CR, NUL, ESC), DEL and C1 controls, surrogates,
#: noncharacters (U+FDD0-U+FDEF, U+xFFFE, U+xFFFF), line and paragraph separators, and
#: the bidirectional controls that can make text read unlike its diff ("Trojan Source").
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\u2028\u2029"
    "\u202a-\u202e\u2066-\u2069"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(17))
    + "]"
)
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def check_texts(document: YamlDocument, limits: Limits) -> list[Problem]:
    """Limits and hidden characters in every text value of a document."""
    problems = []
    stack: list[tuple[DataPath, Any]] = [((), document.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
        elif isinstance(value, str):
            if len(value) > limits.text_chars:
                problems.append(
                    document.problem(
                        path,
                        "BG215",
                        f"text is {len(value):,} characters, more than the limit of "
                        f"{limits.text_chars:,}",
                        "shorten it, or raise the limit with --limit text_chars=N",
                    )
                )
            control = _FORBIDDEN.search(value)
            if control:
                problems.append(_control_problem(document, path, control.group()))
            if _longest_mark_run(value) > MAX_COMBINING_RUN:
                problems.append(
                    document.problem(
                        path,
                        "BG218",
                        f"more than {MAX_COMBINING_RUN} combining marks in a row on one character",
                        "delete the extra marks; real text needs a few at most",
                    )
                )
    return problems


def _longest_mark_run(text: str) -> int:
    """The most combining marks in a row in ``text`` (linear; 0 for text without any)."""
    if text.isascii():
        return 0
    longest = run = 0
    for char in text:
        run = run + 1 if unicodedata.combining(char) else 0
        longest = max(longest, run)
    return longest


def _control_problem(document: YamlDocument, path: DataPath, char: str) -> Problem:
    line, col = document.find_text(path, char)
    if _BIDI.match(char):
        message = f"invisible bidirectional control character U+{ord(char):04X} in the text"
        hint = "delete it; right-to-left text displays correctly without it"
    else:
        kind = "control character" if unicodedata.category(char) == "Cc" else "noncharacter"
        message = f"{kind} U+{ord(char):04X} in the text"
        hint = (
            "delete it (a line break inside quotes is written \\n, never \\r); "
            "control characters break the PDF, the seating SVG and the calendar"
        )
    return Problem(document.path, line, col, message, hint, "BG216")


def ignored_yml(path: Path) -> Problem:
    return Problem(
        path,
        1,
        1,
        "this file is ignored: briefgen reads only files ending in .yaml",
        f"rename it to {path.stem}.yaml",
        "BG411",
    )


def suggest(value: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
