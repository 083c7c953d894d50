"""The JSON Schema and the validator agree on the example data and on bad cases."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from briefgen.cli.main import main
from briefgen.schema.jsonschema import json_schema, schema_files
from briefgen.schema.models import Delegation, Meeting, Person
from briefgen.schema.validate import validate_document
from briefgen.schema.yamlread import parse_yaml

from .conftest import EXAMPLE

KIND_OF = {"Person": Person, "Delegation": Delegation, "Meeting": Meeting}


def as_editor_sees_it(value: Any) -> Any:
    """Type plain scalars as a YAML 1.2 editor does (true/false, integers)."""
    if isinstance(value, dict):
        return {k: as_editor_sees_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees_it(v) for v in value]
    if value in ("true", "false"):
        return value == "true"
    if isinstance(value, str) and re.fullmatch(r"[-+]?[0-9]+", value):
        return int(value)
    return value


def validator_for(kind: str) -> jsonschema.Draft202012Validator:
    schema = json_schema()
    return jsonschema.Draft202012Validator({**schema, "$ref": f"#/$defs/{kind}"})


def example_files() -> list[tuple[str, Path]]:
    files = [("Person", p) for p in sorted((EXAMPLE / "people").glob("*.yaml"))]
    for meeting in sorted(EXAMPLE.glob("*/meeting.yaml")):
        files.append(("Meeting", meeting))
        files += [
            ("Delegation", p)
            for p in sorted(meeting.parent.glob("*.yaml"))
            if p.name != "meeting.yaml"
        ]
    return files


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema())
    for document in schema_files().values():
        jsonschema.Draft202012Validator.check_schema(document)


@pytest.mark.parametrize(("kind", "path"), example_files(), ids=lambda v: getattr(v, "name", v))
def test_example_files_validate_against_the_schema(kind: str, path: Path) -> None:
    data = parse_yaml(path.read_bytes(), path).data
    errors = list(validator_for(kind).iter_errors(as_editor_sees_it(data)))
    assert not errors, [e.message for e in errors]


BAD = [
    ("Person", "name: {given: A}\n"),  # missing family
    ("Person", "name: {given: A, family: B, famly: C}\n"),  # unknown key
    ("Person", "name: {given: A, family: B}\nborn: 28/09/2017\n"),  # bad date
    ("Person", "name: {given: A, family: B, order: last-first}\n"),  # bad choice
    ("Person", "name: {given: A, family: B}\naliases: x\n"),  # unknown key at top
    ("Person", "name: {given: A, family: B, aliases: x}\n"),  # wrong type
    ("Person", "name: {given: '', family: B}\n"),  # empty text
    ("Delegation", "name: X\nmembers: []\n"),  # too few
    ("Delegation", "name: X\ncountry: XX\nmembers: [{person: a}]\n"),  # bad country
    ("Delegation", "name: X\nmembers: [{person: Anna_A}]\n"),  # bad id
    ("Delegation", "name: X\nmembers: [{person: a, support: yes}]\n"),  # bad boolean
    ("Delegation", "name: X\nmembers: [{person: a, precedence: 0}]\n"),  # bad number
    ("Meeting", "title: T\ndate: 2017-09-28\ndelegations: [a]\n"),  # missing marking
    (
        "Meeting",
        "title: T\ndate: 2017-09-28\nmarking: M\ndelegations: [a]\n"
        "programme: [{time: 25h, title: X}]\n",
    ),  # bad time
    ("Meeting", "title: T\ndate: 2017-9-28\nmarking: M\ndelegations: [a]\n"),  # bad date
    ("Meeting", "title: T\ndate: 2017-09-28\nmarking: M\ndelegations: a\n"),  # wrong type
]


@pytest.mark.parametrize(("kind", "text"), BAD)
def test_bad_documents_are_rejected_by_both(kind: str, text: str) -> None:
    document = parse_yaml(text.encode(), Path("x.yaml"))
    _, problems = validate_document(document, KIND_OF[kind])
    assert problems, "the validator accepted it"
    assert list(validator_for(kind).iter_errors(as_editor_sees_it(document.data))), (
        "the JSON Schema accepted it"
    )


def test_every_field_has_a_description_and_an_example() -> None:
    schema = json_schema()
    for name, definition in schema["$defs"].items():
        for field, spec in definition.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"
            assert spec.get("examples"), f"{name}.{field} has no example"


def test_schema_out_writes_one_file_per_kind(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schema", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "config.schema.json",
        "delegation.schema.json",
        "meeting.schema.json",
        "person.schema.json",
    ]
    person = json.loads((tmp_path / "person.schema.json").read_text(encoding="utf-8"))
    assert person["title"] == "Person"
    assert "name" in person["required"]


def test_every_example_is_valid_for_its_field() -> None:
    schema = json_schema()
    for name, definition in schema["$defs"].items():
        for field, spec in definition.get("properties", {}).items():
            validator = jsonschema.Draft202012Validator({**spec, "$defs": schema["$defs"]})
            for example in spec.get("examples", []):
                errors = [e.message for e in validator.iter_errors(example)]
                assert not errors, f"{name}.{field} example {example!r}: {errors}"
