"""The JSON Schema of the data file kinds, for editors and external checks."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from briefgen import __version__
from briefgen.schema.fields import country_codes
from briefgen.schema.models import Delegation, Meeting, Person, ProjectConfig

KINDS: dict[str, type[BaseModel]] = {
    "person": Person,
    "delegation": Delegation,
    "meeting": Meeting,
    "config": ProjectConfig,
}
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _tighten(document: dict[str, Any]) -> dict[str, Any]:
    """Add what the validator checks but pydantic cannot express (country codes)."""
    for definition in document.get("$defs", {}).values():
        country = definition.get("properties", {}).get("country")
        if country:
            for option in country.get("anyOf", [country]):
                if option.get("type") == "string":
                    option["enum"] = sorted(country_codes())
    return document


def json_schema() -> dict[str, Any]:
    """One document: ``$defs`` has Person, Delegation, Meeting and ProjectConfig."""
    _, document = models_json_schema(
        [(model, "validation") for model in KINDS.values()],
        title=f"briefgen data files (briefgen {__version__})",
    )
    return {
        "$schema": DRAFT,
        **_tighten(document),
        "description": "Schemas for people/<id>.yaml (Person), <meeting>/<delegation>.yaml "
        "(Delegation), <meeting>/meeting.yaml (Meeting) and briefgen.yaml (ProjectConfig).",
        "anyOf": [{"$ref": f"#/$defs/{model.__name__}"} for model in KINDS.values()],
    }


def schema_files() -> dict[str, dict[str, Any]]:
    """One standalone schema per file kind, keyed by file name (``person.schema.json``)."""
    files = {}
    for kind, model in KINDS.items():
        document = _tighten({"$defs": {model.__name__: model.model_json_schema()}})
        standalone = document["$defs"][model.__name__]
        files[f"{kind}.schema.json"] = {
            "$schema": DRAFT,
            "$id": f"{kind}.schema.json",
            **standalone,
        }
    return files


def schema_file_bytes() -> dict[str, bytes]:
    """The files ``briefgen schema --out`` writes, as bytes (also written by ``briefgen new``)."""
    return {
        name: (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        for name, document in schema_files().items()
    }
