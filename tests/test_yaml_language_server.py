"""What an editor shows: yaml-language-server (the VS Code YAML extension's engine) on our files.

Complements test_editor.py's jsonschema checks with the real resolver: the
modelines' relative paths, and the README's ``yaml.schemas`` glob mapping.
Needs ``yaml-language-server`` on PATH (``npm install -g yaml-language-server``).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import main

from .conftest import EXAMPLE, REPO, require_tool
from .yamlls import YamlLanguageServer

RUSSIA = "2017-09-28-ankara/russia.yaml"
MEETING = "2017-09-28-ankara/meeting.yaml"
LAVROV = "people/sergei-lavrov.yaml"
TYPOS = {
    RUSSIA: ("\nshort:", "\nshrt:"),
    MEETING: ("\nvenue:", "\nvenu:"),
    LAVROV: ("\nborn:", "\nbrn:"),
}
EXPECTED = {
    RUSSIA: ["Property shrt is not allowed."],
    MEETING: ["Property venu is not allowed."],
    LAVROV: ["Property brn is not allowed."],
}


StartServer = Callable[..., YamlLanguageServer]


@pytest.fixture
def server_in(tmp_path: Path) -> Iterator[StartServer]:
    executable = require_tool("yaml-language-server")
    started: list[YamlLanguageServer] = []

    def start(workspace: Path, settings: dict[str, object] | None = None) -> YamlLanguageServer:
        started.append(YamlLanguageServer(executable, workspace, settings or {}))
        return started[-1]

    yield start
    for server in started:
        server.close()


def copy_with_typos(dest: Path, keep_modelines: bool) -> Path:
    """The example data and schemas under ``dest``, with one unknown key in three files."""
    shutil.copytree(EXAMPLE, dest / "delegations")
    shutil.copytree(REPO / "schemas", dest / "schemas")
    for name, (old, new) in TYPOS.items():
        path = dest / "delegations" / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        text = text.replace(old, new, 1)
        path.write_text(text if keep_modelines else text.split("\n", 1)[1], encoding="utf-8")
    return dest / "delegations"


def test_the_example_files_are_clean_in_the_editor(server_in: StartServer) -> None:
    server = server_in(REPO)
    for path in sorted(EXAMPLE.rglob("*.yaml")):
        assert server.diagnostics(path) == [], path


def test_the_modelines_resolve_and_a_typo_is_flagged(
    server_in: StartServer, tmp_path: Path
) -> None:
    data = copy_with_typos(tmp_path, keep_modelines=True)
    server = server_in(tmp_path)
    for name, expected in EXPECTED.items():
        assert server.diagnostics(data / name) == expected, name


def test_the_readme_glob_mapping_gives_each_file_its_own_schema(
    server_in: StartServer, tmp_path: Path
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (mapping,) = re.findall(r"```json\n(\{\n  \"yaml.schemas\".*?)```", readme, re.S)
    data = copy_with_typos(tmp_path, keep_modelines=False)
    server = server_in(tmp_path, {"schemas": json.loads(mapping)["yaml.schemas"]})
    for name, expected in EXPECTED.items():
        assert server.diagnostics(data / name) == expected, name
    assert server.diagnostics(data / "2017-09-28-ankara/turkey.yaml") == []


def test_starter_files_are_clean_in_the_editor(server_in: StartServer, tmp_path: Path) -> None:
    root = tmp_path / "delegations"
    result = CliRunner().invoke(main, ["new", "meeting", "2024-05-14-paris", "--root", str(root)])
    assert result.exit_code == 0, result.output
    server = server_in(tmp_path)
    starters = sorted(root.rglob("*.yaml"))
    assert len(starters) == 5
    for path in starters:
        assert server.diagnostics(path) == [], path
    meeting = root / "2024-05-14-paris" / "meeting.yaml"
    edited = meeting.with_name("edited.yaml")
    edited.write_text(meeting.read_text(encoding="utf-8") + "venu: x\n", encoding="utf-8")
    assert server.diagnostics(edited) == ["Property venu is not allowed."]
