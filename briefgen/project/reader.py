"""Reading data files: confined to the data root, limits applied, every problem kept."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.errors import Problem
from briefgen.limits import Limits
from briefgen.schema.yamlread import DataPath, YamlDocument, YamlReadError, read_yaml


@dataclass
class Reader:
    root: Path
    limits: Limits
    problems: list[Problem] = field(default_factory=list)

    def read(self, path: Path) -> YamlDocument | None:
        """Read a data file that must really be inside the data root."""
        try:
            resolved = path.resolve()
            inside = resolved.is_relative_to(self.root.resolve())
            regular = resolved.is_file()
        except (OSError, RuntimeError) as exc:
            self.problems.append(
                Problem(
                    path,
                    1,
                    1,
                    f"cannot read the file ({exc})",
                    "replace it with a plain file",
                    "BG113",
                )
            )
            return None
        if not inside:
            self.problems.append(
                Problem(
                    path,
                    1,
                    1,
                    f"the file is a link to a place outside the data folder ({resolved})",
                    "replace the link with a plain file inside the data folder",
                    "BG313",
                )
            )
            return None
        if not regular:
            self.problems.append(
                Problem(
                    path,
                    1,
                    1,
                    "this is not a regular file",
                    "replace it with a plain YAML file",
                    "BG113",
                )
            )
            return None
        try:
            document = read_yaml(path, self.limits)
        except YamlReadError as exc:
            self.problems.extend(exc.problems)
            return None
        self.problems.extend(check_texts(document, self.limits))
        return document


_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


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
            control = _BIDI_CONTROLS.search(value)
            if control:
                line, col = document.find_text(path, control.group())
                problems.append(
                    Problem(
                        document.path,
                        line,
                        col,
                        f"invisible bidirectional control character "
                        f"U+{ord(control.group()):04X} in the text",
                        "delete it; right-to-left text displays correctly without it",
                        "BG216",
                    )
                )
    return problems


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
