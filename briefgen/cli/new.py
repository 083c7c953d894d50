"""``briefgen new``: commented starter files that pass ``check`` at once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefgen.errors import BriefgenError

if TYPE_CHECKING:
    pass

from briefgen.cli.common import DEFAULT_DATA, handle_user_errors, output_options, say


@click.group()
def new() -> None:
    """Write commented starter files that pass `briefgen check` at once; never overwrite."""


_ROOT_OPTION = click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_DATA,
    show_default=True,
    help="The data folder (holding people/ and the meeting folders).",
)


def _report_written(paths: list[Path], root: Path) -> None:
    for path in paths:
        say(f"wrote {path}")
    if not (root.parent / "schemas").is_dir():
        say(
            f"tip: run 'briefgen schema --out {root.parent / 'schemas'}' so editors can use "
            "the files' schema modelines"
        )


@new.command("meeting")
@click.argument("meeting_id")
@click.option(
    "--delegation",
    "delegations",
    multiple=True,
    metavar="ID",
    help="A delegation id, host first; repeatable (default: ours, theirs).",
)
@_ROOT_OPTION
@output_options
@handle_user_errors
def new_meeting(meeting_id: str, delegations: tuple[str, ...], root: Path) -> None:
    """Start ROOT/MEETING_ID/ (e.g. 2024-05-14-paris): meeting.yaml, one file per
    delegation, and a placeholder head of each delegation in people/."""
    from briefgen.project.config import CONFIG_FILE
    from briefgen.starter import meeting_files, write_new

    marking = "OFFICIAL"
    config = root / CONFIG_FILE
    if config.is_file():
        from briefgen.project.config import load_config

        markings = load_config(root).markings
        marking = markings[0] if markings else marking
    files = meeting_files(
        root, meeting_id, list(delegations or ("ours", "theirs")), marking=marking
    )
    _report_written(write_new(files), root)


@new.command("delegation")
@click.argument("meeting_id")
@click.argument("delegation_id")
@click.option(
    "--member",
    "members",
    multiple=True,
    metavar="PERSON",
    help="A person id, in order of precedence; repeatable. People without a file get a "
    "starter file (default: one placeholder, DELEGATION_ID-head).",
)
@_ROOT_OPTION
@output_options
@handle_user_errors
def new_delegation(
    meeting_id: str, delegation_id: str, members: tuple[str, ...], root: Path
) -> None:
    """Add ROOT/MEETING_ID/DELEGATION_ID.yaml and list it in the meeting's delegations."""
    from briefgen.project.config import MEETING_FILE
    from briefgen.starter import add_to_meeting, delegation_file, person_file, write_new

    meeting_file = root / meeting_id / MEETING_FILE
    if not meeting_file.is_file():
        raise BriefgenError(
            f"{meeting_file} does not exist; start the meeting with 'briefgen new meeting'"
        )
    people = list(members or (f"{delegation_id}-head",))
    files = [delegation_file(root, meeting_id, delegation_id, people)]
    files += [
        person_file(root, person)
        for person in dict.fromkeys(people)
        if not (root / "people" / f"{person}.yaml").exists()
    ]
    written = write_new(files)
    _report_written(written, root)
    if add_to_meeting(meeting_file, delegation_id):
        say(f"listed '{delegation_id}' under delegations in {meeting_file}")
    else:
        say(f"now add '{delegation_id}' to the delegations in {meeting_file}")


@new.command("person")
@click.argument("person_id")
@_ROOT_OPTION
@output_options
@handle_user_errors
def new_person(person_id: str, root: Path) -> None:
    """Write ROOT/people/PERSON_ID.yaml, the name guessed from the id (sergei-lavrov)."""
    from briefgen.starter import person_file, write_new

    _report_written(write_new([person_file(root, person_id)]), root)


@new.command("language")
@click.argument("code")
@click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False),
    help="Template folder to write locale/CODE.po into (default: the project's, else "
    "ROOT/templates).",
)
@_ROOT_OPTION
@output_options
@handle_user_errors
def new_language(code: str, templates: Path | None, root: Path) -> None:
    """Write locale/CODE.po with every label of the book, ready to translate."""
    from briefgen.project.config import TEMPLATES_DIR, load_config
    from briefgen.project.themes import TemplateSet
    from briefgen.render.i18n import starter_catalogue
    from briefgen.schema.languages import is_known_language
    from briefgen.starter import Starter, write_new

    if not is_known_language(code):
        raise BriefgenError(f"'{code}' is not a language code Babel knows (e.g. de, es, ja)")
    folder = templates or root / (load_config(root).templates or TEMPLATES_DIR)
    catalogue = starter_catalogue(TemplateSet(folder if folder.is_dir() else None), code)
    written = write_new([Starter(folder / "locale" / f"{code}.po", catalogue.decode("utf-8"))])
    for path in written:
        say(f"wrote {path}")
        say(f"translate each msgstr in it, then set 'language: {code}' in meeting.yaml")
