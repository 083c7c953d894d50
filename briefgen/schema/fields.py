"""Field types that parse the YAML reader's strings strictly and say what they expected.

The YAML reader hands every scalar over as a string, so these types parse
text (``"2017-09-28"``, ``"14:00"``, ``"true"``) themselves; each has the
JSON Schema an editor uses to check the same thing as the user types.
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BeforeValidator,
    Field,
    WithJsonSchema,
)
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


def _parse_integer(value: Any) -> Any:
    if isinstance(value, str):
        digits = value[1:] if value[:1] in "+-" else value
        if not digits.isdigit():
            raise PydanticCustomError(
                "briefgen_integer",
                "'{value}' is not a whole number: write e.g. 2 or -3",
                {"value": value},
            )
        return int(value)
    return value


_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$")


def _parse_language(value: Any) -> Any:
    if isinstance(value, str):
        from briefgen.schema.languages import is_known_language

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
Integer = Annotated[
    int,
    BeforeValidator(_parse_integer),
    WithJsonSchema({"type": "integer", "minimum": -200, "maximum": 200}),
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
