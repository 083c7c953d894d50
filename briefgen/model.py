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


_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$")


def _parse_language(value: Any) -> Any:
    if isinstance(value, str):
        from .i18n import is_known_language

        if not _LANGUAGE_RE.match(value) or not is_known_language(value):
            raise PydanticCustomError(
                "briefgen_language",
                "'{value}' is not a language code: use a lowercase ISO 639 code such as "
                "en, ru, tr or fr (optionally with a region, e.g. fr-CA)",
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
    date,
    BeforeValidator(_parse_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
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
Language = Annotated[
    str,
    BeforeValidator(_parse_language),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _LANGUAGE_RE.pattern,
            "examples": ["en", "ru", "tr", "fr"],
        }
    ),
]
Markdown = Annotated[str, Field(min_length=1, description="Markdown text; raw HTML is not allowed")]


class StrictModel(BaseModel):
    """Base of every model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class Name(StrictModel):
    """A person's name: given and family stored apart, in Latin script."""

    given: Text = Field(description="Given name(s) in Latin script.", examples=["Sergei"])
    family: Text = Field(description="Family name in Latin script.", examples=["Lavrov"])
    patronymic: Text | None = Field(
        None,
        description="Patronymic, where the culture has one; not printed in lists.",
        examples=["Viktorovich"],
    )
    order: Literal["given-family", "family-given"] = Field(
        "given-family",
        description="family-given prints the family name first (Chinese, "
        "Japanese, Korean, Hungarian names).",
        examples=["family-given"],
    )
    native: Text | None = Field(
        None, description="The full name in native script.", examples=["Сергей Викторович Лавров"]
    )
    pronunciation: Text | None = Field(
        None,
        description="How to say the name, stressed syllables in capitals.",
        examples=["sehr-GAY lah-VROF"],
    )
    aliases: list[Text] = Field(
        default_factory=list,
        description="Other spellings seen in sources; they silence near-duplicate warnings.",
        examples=[["Sergey Lavrov"]],
    )


class Person(StrictModel):
    """A file in ``people/``: someone who may appear in any meeting."""

    name: Name = Field(description="The person's name.")
    honorific: Text | None = Field(
        None,
        description="H.E., The Hon., Dr, or a military rank; printed before the salutation.",
        examples=["H.E."],
    )
    salutation: Text | None = Field(None, description="Mr, Ms, Mx ...", examples=["Mr"])
    office: Text | None = Field(
        None,
        description="Current office; the default role at meetings.",
        examples=["Minister of Foreign Affairs"],
    )
    born: IsoDate | None = Field(
        None, description="Date of birth, YYYY-MM-DD.", examples=["1950-03-21"]
    )
    photo: Text | None = Field(
        None,
        description="Image path relative to people/, inside it (JPEG, PNG, GIF or WebP).",
        examples=["photos/sergei-lavrov.jpg"],
    )
    bio: Markdown | None = Field(
        None,
        description="Short biography in Markdown; raw HTML is shown as text.",
        examples=["Minister since *2004*."],
    )


class Member(StrictModel):
    """One line of a delegation's member list."""

    person: Id = Field(
        description="Id (file name without .yaml) of a person in people/.",
        examples=["sergei-lavrov"],
    )
    role: Text | None = Field(
        None,
        description="Role at this meeting; defaults to the person's office.",
        examples=["Minister of Foreign Affairs"],
    )
    support: Flag = Field(
        False,
        description="true for interpreters, note-takers, security: listed apart and not seated.",
        examples=[True],
    )
    precedence: Positive | None = Field(
        None, description="Explicit rank in the delegation; overrides the list order.", examples=[2]
    )


class Delegation(StrictModel):
    """A file ``<meeting>/<delegation-id>.yaml``; members in order of precedence."""

    name: Text = Field(description="Full name of the side.", examples=["Russian Federation"])
    short: Text | None = Field(None, description="Short name for headings.", examples=["Russia"])
    country: Country | None = Field(
        None, description="ISO 3166-1 alpha-2 country code.", examples=["RU"]
    )
    members: list[Member] = Field(
        min_length=1, description="Members in order of precedence, head of delegation first."
    )


class ProgrammeItem(StrictModel):
    """One timed item of the programme."""

    time: ClockTime = Field(description="Local start time, HH:MM.", examples=["14:30"])
    end: ClockTime | None = Field(None, description="Local end time, HH:MM.", examples=["15:30"])
    title: Text = Field(description="What happens.", examples=["Restricted talks"])
    place: Text | None = Field(None, description="Where.", examples=["President's office"])
    attendees: list[Text] = Field(
        default_factory=list,
        description="Who attends, as free text.",
        examples=[["Heads of state", "Interpreters"]],
    )


class Topic(StrictModel):
    """One subject for the talks."""

    title: Text = Field(description="Heading of the topic.", examples=["Syria"])
    background: Markdown | None = Field(None, description="Background in Markdown.")
    points: list[Markdown] = Field(
        default_factory=list, description="Points to make (lines to take), in Markdown."
    )
    if_raised: list[Markdown] = Field(
        default_factory=list,
        description="Responsive lines if the other side raises the subject, in Markdown.",
    )


class Meeting(StrictModel):
    """The file ``<meeting-id>/meeting.yaml``."""

    title: Text = Field(
        description="Full title of the meeting.",
        examples=["Russia–Turkey talks at presidential level"],
    )
    short_title: Text | None = Field(
        None,
        description="Used in page footers; defaults to title.",
        examples=["Russia–Turkey talks"],
    )
    date: IsoDate = Field(description="Date of the meeting, YYYY-MM-DD.", examples=["2017-09-28"])
    start: ClockTime | None = Field(
        None, description="Local start time, HH:MM.", examples=["14:00"]
    )
    end: ClockTime | None = Field(None, description="Local end time, HH:MM.", examples=["17:00"])
    timezone: Timezone | None = Field(
        None, description="IANA timezone of the local times.", examples=["Europe/Istanbul"]
    )
    venue: Text | None = Field(
        None, description="Building or place.", examples=["Presidential Complex"]
    )
    city: Text | None = Field(None, description="City.", examples=["Ankara"])
    marking: Text = Field(
        description="Security marking printed on every page.", examples=["OFFICIAL"]
    )
    caveats: list[Text] = Field(
        default_factory=list,
        description="Handling caveats printed with the marking.",
        examples=[["UK EYES ONLY"]],
    )
    language: Language = Field(
        "en",
        description="Language of the book's labels, dates and times: en, ru, tr and fr are "
        "shipped; another code works when templates/locale/<code>.po exists (labels without "
        "a translation print in English, and check warns).",
        examples=["ru"],
    )
    host: Id | None = Field(
        None, description="Id of the host delegation (listed first).", examples=["turkey"]
    )
    delegations: list[Id] = Field(
        min_length=1,
        description="Ids of the delegation files in this folder.",
        examples=[["turkey", "russia"]],
    )
    perspective: Id | None = Field(
        None, description="Id of the delegation this briefing is for.", examples=["russia"]
    )
    objectives: list[Markdown] = Field(
        default_factory=list, description="What our side wants from the meeting, in Markdown."
    )
    programme: list[ProgrammeItem] = Field(default_factory=list, description="Timed schedule.")
    topics: list[Topic] = Field(default_factory=list, description="Subjects for the talks.")
    press: list[Markdown] = Field(
        default_factory=list, description="Lines to take with the press, in Markdown."
    )


class ProjectConfig(StrictModel):
    """The optional file ``briefgen.yaml`` at the data root: settings for all meetings.

    Command-line options override these settings.
    """

    markings: list[Text] | None = Field(
        None,
        description="The markings this office uses; check warns about any other.",
        examples=[["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"]],
    )
    theme: Literal["default", "compact"] | None = Field(
        None,
        description="Built-in look of the books: default (A4, serif, one topic and one person "
        "a page) or compact (US Letter, sans-serif, dense). --theme overrides it.",
        examples=["compact"],
    )
    paper: Literal["a4", "letter"] | None = Field(
        None,
        description="Paper size of the PDFs; without it the theme decides (default: a4, "
        "compact: letter). --paper overrides it.",
        examples=["letter"],
    )
    family_caps: Flag | None = Field(
        None,
        description="true prints family names in capitals (Sergei LAVROV). "
        "--family-caps or --no-family-caps overrides it.",
        examples=[True],
    )
    templates: Text | None = Field(
        None,
        description="Folder of template overrides, relative to this file and inside the data "
        "folder (default: templates/ here, when it exists). --templates overrides it.",
        examples=["templates"],
    )
    interpreters: Literal["behind", "beside"] | None = Field(
        None,
        description="Where each principal's interpreter is placed by default: behind the "
        "principal, or beside (at the principal's left) in seating plans.",
        examples=["beside"],
    )
