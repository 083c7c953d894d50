"""The meetings for a CI job matrix: all of them, or those a change since a revision touches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefgen.errors import GitError, ValidationFailed
from briefgen.vcs.meetings_json import list_meetings, meetings_json

from .conftest import HOME, PERSON_A, write_tree
from .gitrepo import GitRepo, base_tree

#: A second meeting, whose only delegation lists Anna alone; Boris is in "m" only.
SECOND = {
    "delegations/n/meeting.yaml": "title: Second talks\ndate: 2020-02-03\nmarking: OFFICIAL\n"
    "host: home\ndelegations: [home]\n",
    "delegations/n/home.yaml": "name: Home Republic\nmembers:\n  - person: anna-alpha\n",
    "delegations/people/dora-delta.yaml": PERSON_A.replace("Anna", "Dora").replace(
        "Alpha", "Delta"
    ),
}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "data")
    repo.write({**base_tree(), **SECOND})
    repo.commit("two meetings")
    return repo


def changed(repo: GitRepo) -> list[str]:
    return list_meetings(repo.top / "delegations", "HEAD")


def test_lists_every_meeting_or_the_one_given_without_git(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "delegations", **{"z/meeting.yaml": "not even read"})
    assert list_meetings(root) == ["m", "z"]
    assert list_meetings(root / "m") == ["m"]
    assert meetings_json(list_meetings(root)) == '["m", "z"]'
    assert json.loads(meetings_json([])) == []


def test_nothing_changed_means_no_meeting(repo: GitRepo) -> None:
    assert changed(repo) == []


def test_a_file_in_a_meeting_folder_touches_that_meeting(repo: GitRepo) -> None:
    repo.edit("delegations/m/meeting.yaml", "Example talks", "Example talks, revised")
    assert changed(repo) == ["m"]


def test_a_committed_change_since_an_older_revision_counts(repo: GitRepo) -> None:
    base = repo.git("rev-parse", "HEAD")
    repo.edit("delegations/n/home.yaml", "Home Republic", "Home Republic (host)")
    repo.commit("edit n")
    assert list_meetings(repo.top / "delegations", base) == ["n"]
    assert list_meetings(repo.top / "delegations", "HEAD") == []


def test_a_person_touches_the_meetings_that_list_them(repo: GitRepo) -> None:
    repo.edit("delegations/people/boris-beta.yaml", "Deputy Minister", "First Deputy Minister")
    assert changed(repo) == ["m"]
    repo.edit("delegations/people/anna-alpha.yaml", "Minister of Examples", "Minister")
    assert changed(repo) == ["m", "n"]


def test_a_person_no_meeting_lists_touches_nothing(repo: GitRepo) -> None:
    repo.edit("delegations/people/dora-delta.yaml", "Minister of Examples", "Minister")
    assert changed(repo) == []


def test_an_untracked_file_counts(repo: GitRepo) -> None:
    repo.write({"delegations/n/guests.yaml": HOME})
    assert changed(repo) == ["n"]


def test_project_wide_files_touch_every_meeting(repo: GitRepo) -> None:
    repo.write({"delegations/briefgen.yaml": "theme: compact\n"})
    assert changed(repo) == ["m", "n"]


def test_a_deleted_meeting_touches_no_other(repo: GitRepo) -> None:
    for name in ("meeting.yaml", "home.yaml"):
        (repo.top / "delegations" / "n" / name).unlink()
    (repo.top / "delegations" / "n").rmdir()
    assert changed(repo) == []


def test_changes_outside_the_data_folder_do_not_count(repo: GitRepo) -> None:
    repo.write({"README.md": "notes\n"})
    assert changed(repo) == []


def test_only_the_meeting_given_is_considered(repo: GitRepo) -> None:
    repo.write({"delegations/briefgen.yaml": "theme: compact\n"})
    assert list_meetings(repo.top / "delegations" / "n", "HEAD") == ["n"]


def test_an_unknown_revision_or_no_repository_is_a_user_error(
    repo: GitRepo, tmp_path: Path
) -> None:
    with pytest.raises(GitError, match="unknown revision 'no-such-branch'"):
        list_meetings(repo.top / "delegations", "no-such-branch")
    outside = write_tree(tmp_path / "plain" / "delegations")
    with pytest.raises(GitError, match="not in a git repository"):
        list_meetings(outside, "HEAD")


def test_invalid_data_fails_as_check_does_when_changes_must_be_traced(repo: GitRepo) -> None:
    repo.edit("delegations/m/away.yaml", "members:", "membrs:")
    with pytest.raises(ValidationFailed):
        changed(repo)
    assert list_meetings(repo.top / "delegations") == ["m", "n"]
