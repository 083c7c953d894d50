"""The recipients file of numbered copies, and the register of copies issued.

The file is YAML, read by the same strict reader as the data (located
errors, no aliases or tags, size limits)::

    recipients:
      - name: Ms Anna Alpha
        organisation: Private Office
      - name: Mr Boris Beta

Names are user data: they reach the book only as escaped text and escaped
``data-`` attributes, and the register's cells are neutralised against
spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import Field

from briefgen.errors import Problem, ValidationFailed
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.schema.fields import Text
from briefgen.schema.models import StrictModel
from briefgen.schema.validate import validate_document
from briefgen.schema.yamlread import YamlReadError, read_yaml


class Recipient(StrictModel):
    """One person a numbered copy is issued to."""

    name: Text = Field(
        description="The recipient as printed on the copy.", examples=["Ms Anna Alpha"]
    )
    organisation: Text | None = Field(
        None, description="Office or organisation, for the register.", examples=["Private Office"]
    )


class RecipientsFile(StrictModel):
    """A recipients file given to ``briefgen build --recipients``."""

    recipients: list[Recipient] = Field(
        min_length=1, description="The recipients in the order the copies are numbered."
    )


def load_recipients(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[Recipient]:
    """Read and check a recipients file; raise :class:`ValidationFailed` with located problems."""
    try:
        document = read_yaml(path, limits)
    except YamlReadError as exc:
        raise ValidationFailed(exc.problems) from None
    parsed, problems = validate_document(document, RecipientsFile)
    if parsed is None:
        raise ValidationFailed(problems)
    seen: dict[tuple[str, str | None], int] = {}
    for index, recipient in enumerate(parsed.recipients):
        key = (" ".join(recipient.name.split()).casefold(), recipient.organisation)
        if key in seen:
            problems.append(
                document.problem(
                    ("recipients", index, "name"),
                    "BG323",
                    f"'{recipient.name}' is listed twice (also as recipient {seen[key] + 1})",
                    "list each recipient once; add 'organisation' to tell two people apart",
                )
            )
        seen.setdefault(key, index)
    if problems:
        raise ValidationFailed(problems)
    return parsed.recipients


def check_recipients(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """The problems of a recipients file (empty when it is valid)."""
    try:
        load_recipients(path, limits)
    except ValidationFailed as exc:
        return exc.problems
    return []


def copy_file_name(number: int, total: int) -> str:
    """``copy-02-of-12.pdf``: numbers only, never the recipient's name."""
    width = len(str(total))
    return f"copy-{number:0{width}d}-of-{total:0{width}d}.pdf"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets a quote first."""
    return "'" + text if text.startswith(_FORMULA_START) else text


@dataclass(frozen=True)
class IssuedCopy:
    """One line of the register."""

    number: int
    total: int
    recipient: Recipient
    file: str
    pdf: bytes


def register_csv(
    copies: Sequence[IssuedCopy], *, meeting: str, edition: str, marking: str, issued: date
) -> bytes:
    """The register of copies issued, as CSV (UTF-8, header row, one row per copy)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "copy",
            "of",
            "recipient",
            "organisation",
            "file",
            "sha256",
            "meeting",
            "edition",
            "marking",
            "issued",
        ]
    )
    for copy in copies:
        writer.writerow(
            [
                copy.number,
                copy.total,
                _cell(copy.recipient.name),
                _cell(copy.recipient.organisation or ""),
                copy.file,
                hashlib.sha256(copy.pdf).hexdigest(),
                meeting,
                edition,
                _cell(marking),
                issued.isoformat(),
            ]
        )
    return out.getvalue().encode("utf-8")
