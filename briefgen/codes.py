"""Stable problem codes: one per kind of problem, documented in docs/errors.md.

Codes never change meaning once released, so users can silence a warning by
code (``--ignore BG407`` or ``# briefgen: ignore BG407`` in a file) and
machines can match them.  BG1xx: YAML; BG2xx: schema; BG3xx: references and
files; BG4xx: lints (warnings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Code:
    """One problem code: ``BG201``, its name for ``--ignore``, its severity and a summary."""

    code: str
    slug: str
    severity: Severity
    summary: str


_TABLE: tuple[Code, ...] = (
    Code("BG100", "yaml-syntax", "error", "The text is not valid YAML."),
    Code("BG101", "duplicate-key", "error", "A key appears twice in one mapping."),
    Code("BG102", "anchor-alias", "error", "An anchor (&a) or alias (*a) is used."),
    Code("BG103", "merge-key", "error", "A merge key (<<) is used."),
    Code("BG104", "yaml-tag", "error", "An explicit YAML tag (!!str, !foo) is used."),
    Code("BG105", "conflict-marker", "error", "A git merge-conflict marker is left in the file."),
    Code("BG106", "tab-indent", "error", "A line is indented with a tab."),
    Code("BG107", "invalid-utf8", "error", "The file is not valid UTF-8."),
    Code("BG108", "empty-file", "error", "The file has no content."),
    Code("BG109", "not-a-mapping", "error", "The top level of the file is not a mapping."),
    Code("BG110", "too-deep", "error", "Nesting is deeper than the limit."),
    Code("BG111", "file-too-large", "error", "The file is larger than the size limit."),
    Code("BG112", "key-not-text", "error", "A mapping key is a list or mapping."),
    Code("BG113", "unreadable-file", "error", "The file cannot be read."),
    Code("BG201", "unknown-key", "error", "A key the format does not define (often a typo)."),
    Code("BG202", "missing-key", "error", "A required key is missing."),
    Code("BG203", "wrong-type", "error", "A value has the wrong shape (text, list, mapping)."),
    Code("BG204", "empty-value", "error", "A key is present but has no value."),
    Code("BG205", "invalid-date", "error", "A date is not a real YYYY-MM-DD date."),
    Code("BG206", "invalid-time", "error", "A time is not HH:MM on the 24-hour clock."),
    Code("BG207", "invalid-timezone", "error", "A timezone is not an IANA name."),
    Code("BG208", "invalid-country", "error", "A country is not an ISO 3166-1 alpha-2 code."),
    Code("BG209", "invalid-id", "error", "An id is not lowercase ASCII, digits and '-'."),
    Code("BG210", "invalid-boolean", "error", "A boolean is not exactly true or false."),
    Code("BG211", "invalid-choice", "error", "A value is not one of the allowed choices."),
    Code("BG212", "invalid-number", "error", "A number is not a whole number in range."),
    Code("BG213", "too-few-items", "error", "A list has fewer items than required."),
    Code("BG214", "invalid-value", "error", "A value is not valid for its key."),
    Code("BG215", "text-too-long", "error", "A text is longer than the limit."),
    Code(
        "BG216",
        "control-character",
        "error",
        "A text holds a control character (C0, C1, bidirectional) or a noncharacter.",
    ),
    Code("BG217", "too-many-items", "error", "A list is longer than the limit."),
    Code(
        "BG218",
        "mark-flood",
        "error",
        "A text stacks more than 30 combining marks on one character.",
    ),
    Code("BG301", "unknown-person", "error", "A member refers to a person with no file."),
    Code("BG302", "duplicate-member", "error", "A person is listed twice in one meeting."),
    Code("BG303", "missing-delegation", "error", "A listed delegation has no file."),
    Code("BG304", "unknown-delegation", "error", "host or perspective is not a listed delegation."),
    Code("BG305", "duplicate-delegation", "error", "A delegation is listed twice."),
    Code("BG306", "invalid-file-name", "error", "A file or folder name is not a valid id."),
    Code("BG307", "photo-path", "error", "A photo path is absolute or leaves people/."),
    Code("BG308", "photo-missing", "error", "A photo is not a regular file."),
    Code("BG309", "photo-not-image", "error", "A photo is not a JPEG, PNG, GIF or WebP image."),
    Code("BG310", "photo-too-large", "error", "A photo exceeds the pixel or size limit."),
    Code("BG311", "end-before-start", "error", "An end time is not after its start time."),
    Code("BG312", "too-many-people", "error", "A meeting has more people than the limit."),
    Code("BG313", "outside-data", "error", "A data file is a link to outside the data folder."),
    Code(
        "BG314", "attachment-path", "error", "An attachment path is absolute or leaves the meeting."
    ),
    Code(
        "BG315",
        "attachment-file",
        "error",
        "An attachment is missing, not a regular file, or named like another.",
    ),
    Code("BG316", "attachment-too-large", "error", "An attachment exceeds the size limit."),
    Code(
        "BG317", "unknown-audience", "error", "An audience is not one of any edition's audiences."
    ),
    Code(
        "BG318",
        "marking-below-content",
        "error",
        "A book's marking is lower than the marking of an item it includes.",
    ),
    Code(
        "BG319",
        "unranked-marking",
        "error",
        "An item's marking cannot be compared with the book's marking.",
    ),
    Code(
        "BG320",
        "seat-not-seated",
        "error",
        "A seat override names someone who is not a seated member.",
    ),
    Code("BG321", "seat-taken", "error", "Two seat overrides claim one seat on a side."),
    Code("BG322", "duplicate-edition", "error", "Two editions in briefgen.yaml have one name."),
    Code("BG323", "duplicate-recipient", "error", "A recipients file lists one recipient twice."),
    Code(
        "BG324",
        "template-folder",
        "error",
        "The template folder is outside the data folder, or a catalogue in it is broken.",
    ),
    Code("BG401", "unlisted-delegation", "warning", "A delegation file is not in meeting.yaml."),
    Code("BG402", "unused-person", "warning", "A people file is used by no meeting."),
    Code("BG403", "programme-order", "warning", "Programme items are not in time order."),
    Code("BG404", "programme-overlap", "warning", "Two programme items overlap in time."),
    Code(
        "BG405",
        "near-duplicate-name",
        "warning",
        "Two people's names or spellings are nearly the same.",
    ),
    Code("BG406", "misspelt-name", "warning", "A text mentions a near-miss of a person's name."),
    Code("BG407", "missing-pronunciation", "warning", "A native-script name has no pronunciation."),
    Code("BG408", "missing-role", "warning", "A member has neither role nor office."),
    Code("BG409", "unknown-marking", "warning", "The marking is not in the configured list."),
    Code("BG410", "duplicate-precedence", "warning", "Two members claim the same precedence."),
    Code("BG411", "ignored-file", "warning", "A .yml file is ignored (use .yaml)."),
    Code("BG412", "missing-label", "warning", "Labels have no translation in the book's language."),
    Code(
        "BG413",
        "missing-font",
        "warning",
        "A text needs characters neither the bundled fonts nor an installed font has.",
    ),
    Code("BG414", "no-head", "warning", "A delegation has no seated member to head it."),
    Code("BG415", "two-chairs", "warning", "Two heads of delegation claim the chair."),
    Code(
        "BG416", "missing-since", "warning", "The rank order needs a 'since' date that is missing."
    ),
    Code("BG417", "too-few-places", "warning", "The table has fewer places than delegations."),
)

CODES: dict[str, Code] = {entry.code: entry for entry in _TABLE}
BY_SLUG: dict[str, Code] = {entry.slug: entry for entry in _TABLE}


def lookup(code_or_slug: str) -> Code | None:
    """Find a code by ``BG201`` or ``unknown-key``."""
    return CODES.get(code_or_slug.upper()) or BY_SLUG.get(code_or_slug.lower())
