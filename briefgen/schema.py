"""The JSON Schema of the three data file kinds, for editors and external checks."""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from . import __version__
from .model import Delegation, Meeting, Person


def json_schema() -> dict[str, Any]:
    """One JSON Schema document: ``$defs`` has Person, Delegation and Meeting."""
    _, document = models_json_schema(
        [(Person, "validation"), (Delegation, "validation"), (Meeting, "validation")],
        title=f"briefgen data files (briefgen {__version__})",
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **document,
        "description": "Schemas for people/<id>.yaml (Person), <meeting>/<delegation>.yaml "
        "(Delegation) and <meeting>/meeting.yaml (Meeting).",
        "anyOf": [{"$ref": f"#/$defs/{name}"} for name in ("Person", "Delegation", "Meeting")],
    }
