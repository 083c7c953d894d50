"""Hostile paths: every file a build reads resolves, links and all, inside the data root.

The data folder arrives through pull requests, so links can be committed:
a meeting folder that is a link to the repository root would make
``.git/config`` (which holds CI's token after a default checkout) look like a
file of the meeting.  See :mod:`briefgen.project.confine`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli.main import main
from briefgen.project.confine import Refusal, confine

from .conftest import AWAY, HOME, MEETING, write_tree

LOCATED_OR_SUMMARY = re.compile(r"^(\S+:\d+:\d+: (error|warning): .*|\d+ error\(s\).*)$")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with a secret in .git/config and a valid data tree under delegations/."""
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    (top / ".git" / "config").write_text("[http]\n\textraheader = token SECRET\n")
    write_tree(top / "delegations")
    return top


def test_a_meeting_folder_linking_to_the_repository_root_is_refused(repo: Path) -> None:
    attach = MEETING + "attachments:\n  - file: .git/config\n"
    for name, text in (("meeting.yaml", attach), ("home.yaml", HOME), ("away.yaml", AWAY)):
        (repo / name).write_text(text)
    (repo / "delegations" / "evil").symlink_to("..")
    out = repo.parent / "out"
    result = CliRunner().invoke(main, ["build", str(repo / "delegations"), "--out", str(out)])
    assert result.exit_code == 1
    assert "evil/meeting.yaml:1:1: error: the file is a link to a place outside" in result.stderr
    assert "BG313" in result.stderr
    assert not out.exists()


def test_every_folder_on_the_way_is_checked(repo: Path) -> None:
    root = repo / "delegations"
    (root / "m" / "up").symlink_to(repo)
    # Resolves back inside the meeting folder, but only through a folder outside the root.
    assert confine(root, root / "m/up/delegations/m/meeting.yaml", within=root / "m") == Refusal(
        "outside"
    )
    assert confine(root, root / "m/../../.git/config") == Refusal("outside")
    assert isinstance(confine(root, root / "m/meeting.yaml"), Path)


def test_hidden_names_are_never_data_even_when_the_root_is_the_repository(repo: Path) -> None:
    (repo / "link").symlink_to(".git/config")
    assert confine(repo, repo / ".git/config") == Refusal("hidden")
    assert confine(repo, repo / "link") == Refusal("hidden")


def test_a_template_folder_reached_through_a_link_out_is_refused(repo: Path) -> None:
    root = repo / "delegations"
    os.symlink(repo, root / "templates")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "BG324" in result.stderr


def test_check_never_writes_escape_codes_or_forged_lines(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "d",
        **{
            "m/away.yaml": AWAY + '"\\e[2K\\rm/away.yaml:1:1: ok": 1\n',
            "people/x\x1b[31m\ny.yaml": "name: {given: X, family: Y}\n",
        },
    )
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\r" not in result.stderr
    assert all(LOCATED_OR_SUMMARY.match(line) for line in result.stderr.splitlines())
    assert "\\x1b[2K\\x0dm/away.yaml:1:1: ok" in result.stderr


@pytest.mark.parametrize(
    "value", ["-1", "1e9", "99999999999999999999999", "253402300800", "\u00b2", "12 34", "0x10"]
)
def test_odd_source_date_epoch_values_are_a_clean_error(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    root = write_tree(tmp_path / "d")
    result = CliRunner().invoke(
        main, ["build", str(root), "--out", str(tmp_path / "o"), "--format", "html"]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "SOURCE_DATE_EPOCH=" in result.stderr and "not a whole number" in result.stderr


def test_the_calendar_never_carries_a_line_break_from_the_data() -> None:
    from datetime import date

    from briefgen.render.ics import programme_ics
    from briefgen.schema.models import Meeting

    meeting = Meeting.model_validate(
        {
            "title": "Talks\r\nX-INJECTED:1",
            "date": "2020-01-02",
            "marking": "OFFICIAL",
            "host": "home",
            "delegations": ["home"],
            "programme": [{"time": "10:00", "title": "A\rB\x00C"}],
        }
    )
    data = programme_ics("m", meeting, date(2020, 1, 1))
    assert b"\r\nX-INJECTED" not in data and b"\x00" not in data
    assert all(not line.endswith(b"\r") for line in data.split(b"\r\n"))
