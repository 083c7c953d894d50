"""``briefgen schema``: the JSON Schema of the data files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefgen.cli.common import output_options, say

if TYPE_CHECKING:
    pass


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write person.schema.json, delegation.schema.json, meeting.schema.json and "
    "config.schema.json into this folder instead of printing one document.",
)
@output_options
def schema(out_dir: Path | None) -> None:
    """Print the JSON Schema of the data files as one JSON document.

    The document's "$defs" holds one schema per file kind: "Person"
    (people/<id>.yaml), "Delegation" (<meeting>/<delegation>.yaml),
    "Meeting" (<meeting>/meeting.yaml) and "ProjectConfig" (briefgen.yaml),
    plus the parts they share.  Its top-level "anyOf" accepts any of them;
    point an editor at "#/$defs/Person" etc. for one kind, or use --out.
    """
    from briefgen.outputs.atomic import write_atomic
    from briefgen.schema.jsonschema import json_schema, schema_file_bytes

    if out_dir is None:
        click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return
    for name, data in schema_file_bytes().items():
        path = out_dir / name
        write_atomic(path, data)
        say(f"wrote {path}")
