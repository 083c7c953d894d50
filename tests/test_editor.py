"""Editor support: every YAML file's schema modeline resolves, to a schema that is current.

The schemas under ``schemas/`` are committed, so a fresh clone opens in an
editor with completion and checking, without a step to remember; these tests
keep them equal to what ``briefgen schema --out`` writes, and check every
example and starter file against the schema its modeline names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.schema.jsonschema import schema_file_bytes
from briefgen.schema.yamlread import parse_yaml

from .conftest import EXAMPLE, REPO
from .test_schema import as_editor_sees_it

SCHEMAS = REPO / "schemas"
MODELINE = re.compile(r"\A# yaml-language-server: \$schema=(\S+)\n")


def schema_named_by(path: Path) -> Path:
    """The schema file the first line of ``path`` points at; fails without a modeline."""
    match = MODELINE.match(path.read_text(encoding="utf-8"))
    assert match, f"{path} does not start with a yaml-language-server modeline"
    target = (path.parent / match.group(1)).resolve()
    assert target.is_file(), f"{path}: the modeline names {match.group(1)}, which does not exist"
    return target


def assert_valid(path: Path) -> None:
    schema = json.loads(schema_named_by(path).read_text(encoding="utf-8"))
    data = as_editor_sees_it(parse_yaml(path.read_bytes(), path).data)
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert not errors, f"{path}: {errors}"


def test_the_committed_schemas_are_what_briefgen_schema_out_writes(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schema", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    fresh = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert fresh == schema_file_bytes()
    committed = {p.name: p.read_bytes() for p in SCHEMAS.iterdir()}
    assert committed == fresh, "schemas/ is stale: run 'briefgen schema --out schemas'"


@pytest.mark.parametrize(
    "path", sorted(EXAMPLE.rglob("*.yaml")), ids=lambda p: p.relative_to(EXAMPLE).as_posix()
)
def test_every_example_file_names_its_schema_and_is_valid_against_it(path: Path) -> None:
    kind = "person" if path.parent.name == "people" else "delegation"
    kind = "meeting" if path.name == "meeting.yaml" else kind
    assert schema_named_by(path) == SCHEMAS / f"{kind}.schema.json"
    assert_valid(path)


def test_starter_files_come_with_the_schemas_their_modelines_name(tmp_path: Path) -> None:
    root = tmp_path / "delegations"
    runner = CliRunner()
    for args in (
        ["new", "meeting", "2024-05-14-paris", "--delegation", "france"],
        ["new", "delegation", "2024-05-14-paris", "germany"],
        ["new", "person", "anna-alpha"],
    ):
        result = runner.invoke(main, [*args, "--root", str(root)])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == [
        "delegation.schema.json",
        "meeting.schema.json",
        "person.schema.json",
    ]
    starters = sorted(root.rglob("*.yaml"))
    assert len(starters) == 6
    for path in starters:
        assert_valid(path)
    assert runner.invoke(main, ["check", str(root)]).exit_code == 0


def test_new_reports_the_schemas_it_writes_and_never_overwrites_one(tmp_path: Path) -> None:
    root = tmp_path / "delegations"
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "person.schema.json").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(main, ["new", "person", "anna-alpha", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert (schemas / "person.schema.json").read_text(encoding="utf-8") == "{}"
    assert "schema.json" not in result.output
    result = CliRunner().invoke(main, ["new", "meeting", "2024-05-14-paris", "--root", str(root)])
    assert f"wrote {schemas / 'meeting.schema.json'}" in result.output
