"""Typed models of the three file kinds: person, delegation and meeting.

The YAML reader hands every scalar over as a string, so the custom types
below parse text (``"2017-09-28"``, ``"14:00"``, ``"true"``) strictly and
say in plain words what they expected.  Models forbid unknown keys so that a
typo is an error rather than silently ignored data.  The field names are
the data contract in DOMAIN.md: extend, never rename.
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import lru_cache
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_ID_RE = re.compile(ID_PATTERN)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")


def _parse_id(value: Any) -> Any:
    if isinstance(value, str) and not _ID_RE.match(value):
        raise PydanticCustomError(
            "briefgen_id",
            "'{value}' is not a valid id: use lowercase ASCII letters, digits and single '-'",
            {"value": value},
        )
    return value


def _parse_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        if _DATE_RE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise PydanticCustomError(
            "briefgen_date",
            "'{value}' is not a valid date: write it as YYYY-MM-DD, e.g. 2017-09-28",
            {"value": value},
        )
    return value


def _parse_time(value: Any) -> Any:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        match = _TIME_RE.match(value)
        if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
            return time(int(match.group(1)), int(match.group(2)))
        raise PydanticCustomError(
            "briefgen_time",
            "'{value}' is not a valid time: write it as HH:MM on the 24-hour clock, e.g. 14:30",
            {"value": value},
        )
    return value


def _parse_flag(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise PydanticCustomError(
        "briefgen_flag", "'{value}' is not a boolean: write true or false", {"value": value}
    )


def _parse_timezone(value: Any) -> Any:
    if isinstance(value, str):
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise PydanticCustomError(
                "briefgen_timezone",
                "'{value}' is not a known IANA timezone: use a name such as Europe/Istanbul",
                {"value": value},
            ) from None
    return value


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes known to the CLDR data shipped with Babel."""
    from babel import Locale

    codes = (str(code) for code in Locale("en").territories)
    return frozenset(
        code
        for code in codes
        if len(code) == 2 and code.isalpha() and code not in {"ZZ", "EU", "EZ", "UN", "QO"}
    )


def _parse_country(value: Any) -> Any:
    if isinstance(value, str) and value not in country_codes():
        raise PydanticCustomError(
            "briefgen_country",
            "'{value}' is not an ISO 3166-1 alpha-2 country code: use two capital letters, e.g. TR",
            {"value": value},
        )
    return value


def _parse_positive(value: Any) -> Any:
    if isinstance(value, str):
        if not value.isdigit() or int(value) < 1:
            raise PydanticCustomError(
                "briefgen_positive",
                "'{value}' is not a whole number of 1 or more",
                {"value": value},
            )
        return int(value)
    return value


Text = Annotated[str, Field(min_length=1)]
Id = Annotated[
    str, BeforeValidator(_parse_id), WithJsonSchema({"type": "string", "pattern": ID_PATTERN})
]
IsoDate = Annotated[
    date, BeforeValidator(_parse_date), WithJsonSchema({"type": "string", "format": "date"})
]
ClockTime = Annotated[
    time,
    BeforeValidator(_parse_time),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}:\d{2}$"}),
]
Flag = Annotated[bool, BeforeValidator(_parse_flag), WithJsonSchema({"type": "boolean"})]
Timezone = Annotated[str, BeforeValidator(_parse_timezone)]
Country = Annotated[
    str,
    BeforeValidator(_parse_country),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{2}$"}),
]
Positive = Annotated[
    int, BeforeValidator(_parse_positive), WithJsonSchema({"type": "integer", "minimum": 1})
]
Markdown = Annotated[str, Field(min_length=1, description="Markdown text; raw HTML is not allowed")]


class StrictModel(BaseModel):
    """Base of every model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class Name(StrictModel):
    given: Text = Field(description="Given name in Latin script")
    family: Text = Field(description="Family name in Latin script")
    patronymic: Text | None = None
    order: Literal["given-family", "family-given"] = Field(
        "given-family", description="family-given for Chinese, Japanese, Korean, Hungarian names"
    )
    native: Text | None = Field(None, description="The full name in native script")
    pronunciation: Text | None = None
    aliases: list[Text] = Field(default_factory=list, description="Other spellings seen in sources")


class Person(StrictModel):
    """A file in ``people/``: someone who may appear in any meeting."""

    name: Name
    honorific: Text | None = Field(None, description="H.E., The Hon., Dr, or a military rank")
    salutation: Text | None = Field(None, description="Mr, Ms, Mx ...")
    office: Text | None = Field(None, description="Current office")
    born: IsoDate | None = None
    photo: Text | None = Field(None, description="Path relative to people/, inside it")
    bio: Markdown | None = None


class Member(StrictModel):
    """One line of a delegation's member list."""

    person: Id = Field(description="Id (file stem) of a person in people/")
    role: Text | None = Field(None, description="Role at this meeting; defaults to the office")
    support: Flag = Field(False, description="Interpreters, note-takers, security: not seated")
    precedence: Positive | None = Field(None, description="Overrides the list order")


class Delegation(StrictModel):
    """A file ``<meeting>/<delegation-id>.yaml``; members in order of precedence."""

    name: Text
    short: Text | None = None
    country: Country | None = None
    members: list[Member] = Field(min_length=1)


class ProgrammeItem(StrictModel):
    time: ClockTime
    end: ClockTime | None = None
    title: Text
    place: Text | None = None
    attendees: list[Text] = Field(
        default_factory=list, description="Who attends, as free text, e.g. Heads of state"
    )


class Topic(StrictModel):
    title: Text
    background: Markdown | None = None
    points: list[Markdown] = Field(default_factory=list, description="Points to make")
    if_raised: list[Markdown] = Field(default_factory=list, description="Responsive lines")


class Meeting(StrictModel):
    """The file ``<meeting-id>/meeting.yaml``."""

    title: Text
    short_title: Text | None = Field(None, description="Used in page headers; defaults to title")
    date: IsoDate
    start: ClockTime | None = None
    end: ClockTime | None = None
    timezone: Timezone | None = None
    venue: Text | None = None
    city: Text | None = None
    marking: Text = Field(description="Security marking printed on every page")
    caveats: list[Text] = Field(default_factory=list, description="Handling caveats")
    language: Literal["en"] = "en"
    host: Id | None = None
    delegations: list[Id] = Field(min_length=1)
    perspective: Id | None = Field(None, description="Whose briefing this is")
    objectives: list[Markdown] = Field(default_factory=list)
    programme: list[ProgrammeItem] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    press: list[Markdown] = Field(default_factory=list)
