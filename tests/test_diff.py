"""``briefgen diff``: a series of commits, each one kind of change, compared in text and JSON."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image

from briefgen.cli.main import main
from briefgen.vcs.changeset import WordEdit, word_edits

from .gitrepo import GitRepo, base_tree

PERSON_D = """\
name:
  given: Dana
  family: Delta
salutation: Ms
office: Director of Trade
"""


def png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, dict[str, str]]:
    """One repository whose commits each make one kind of change; name → commit id."""
    repo = GitRepo(tmp_path_factory.mktemp("series"))
    commits: dict[str, str] = {}
    away = "delegations/m/away.yaml"
    meeting = "delegations/m/meeting.yaml"
    repo.write(dict(base_tree()))
    commits["initial"] = repo.commit("Initial meeting")
    repo.write({"delegations/people/dana-delta.yaml": PERSON_D})
    repo.edit(away, "  - person: boris-beta\n", "  - person: boris-beta\n  - person: dana-delta\n")
    commits["add-member"] = repo.commit("Add Dana Delta")
    repo.edit(
        away,
        "  - person: boris-beta\n  - person: dana-delta\n",
        "  - person: dana-delta\n  - person: boris-beta\n",
    )
    commits["reorder"] = repo.commit("Dana Delta before Boris Beta")
    repo.edit(meeting, "  - time: 10:30\n    end: 11:30", "  - time: 11:00\n    end: 12:00")
    commits["move-item"] = repo.commit("Restricted talks half an hour later")
    repo.edit(
        meeting,
        "We propose a working group on customs procedures.",
        "We propose a joint working group on customs and transit procedures.",
    )
    commits["edit-point"] = repo.commit("Sharpen the customs point")
    repo.edit(meeting, "marking: OFFICIAL", "marking: OFFICIAL-SENSITIVE")
    commits["marking"] = repo.commit("Raise the marking")
    repo.git("mv", "delegations/people/boris-beta.yaml", "delegations/people/boris-betta.yaml")
    repo.edit(away, "person: boris-beta", "person: boris-betta")
    commits["rename-person"] = repo.commit("Spell Betta as in his passport")
    repo.write({"delegations/people/photos/anna.png": png("red")})
    repo.edit("delegations/people/anna-alpha.yaml", "honorific: H.E.", "photo: photos/anna.png")
    commits["photo"] = repo.commit("Photo of Anna Alpha")
    repo.write({"delegations/people/photos/anna.png": png("blue")})
    commits["photo-replaced"] = repo.commit("Better photo of Anna Alpha")
    repo.git("mv", "delegations/m", "delegations/m2")
    commits["rename-meeting"] = repo.commit("Rename the meeting folder")
    return repo, commits


def run_diff(
    repo: GitRepo, *args: str, fmt: str = "text", meeting: str = "delegations/m"
) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["diff", *args, str(repo.top / meeting), "--format", fmt], catch_exceptions=False
    )
    return result.exit_code, result.stdout, result.stderr


def changes_json(repo: GitRepo, old: str, new: str, meeting: str = "delegations/m") -> Any:
    code, out, err = run_diff(repo, old, new, fmt="json", meeting=meeting)
    assert code == 0, err
    [result] = json.loads(out)["meetings"]
    return result["changes"]


def step(series: tuple[GitRepo, dict[str, str]], name: str) -> tuple[GitRepo, str, str]:
    repo, commits = series
    names = list(commits)
    return repo, commits[names[names.index(name) - 1]], commits[name]


def body(text: str) -> list[str]:
    """The change lines of a text report, without the heading and the count."""
    return text.splitlines()[2:-2]


def test_added_member(series: tuple[GitRepo, dict[str, str]]) -> None:
    repo, old, new = step(series, "add-member")
    code, out, _ = run_diff(repo, old, new)
    assert code == 0
    assert body(out) == [
        "Delegations",
        "  Away Federation",
        "    + Dana Delta: Director of Trade, 3rd in precedence",
    ]
    assert out.rstrip().endswith("1 change.")
    [change] = changes_json(repo, old, new)
    assert change["kind"] == "member-added"
    assert change["where"] == {
        "section": "delegations",
        "delegation": "away",
        "person": "dana-delta",
    }


def test_reordered_members_show_one_move(series: tuple[GitRepo, dict[str, str]]) -> None:
    repo, old, new = step(series, "reorder")
    _, out, _ = run_diff(repo, old, new)
    assert body(out) == [
        "Delegations",
        "  Away Federation",
        "    ~ Dana Delta, precedence: 3rd → 2nd",
    ]
    [change] = changes_json(repo, old, new)
    assert (change["kind"], change["before"], change["after"]) == ("member-moved", "3rd", "2nd")


def test_programme_item_moved_in_time(series: tuple[GitRepo, dict[str, str]]) -> None:
    repo, old, new = step(series, "move-item")
    _, out, _ = run_diff(repo, old, new)
    assert body(out) == ["Programme", "  ~ Restricted talks: 10:30–11:30 → 11:00–12:00"]
    [change] = changes_json(repo, old, new)
    assert change["kind"] == "programme-moved"
    assert change["where"] == {"section": "programme", "item": 1}


def test_edited_point_shows_the_words(series: tuple[GitRepo, dict[str, str]]) -> None:
    repo, old, new = step(series, "edit-point")
    _, out, _ = run_diff(repo, old, new)
    assert body(out) == [
        "Topics",
        "  Trade",
        "    ~ point 2: We propose a {+joint+} working group on customs {+and transit+} "
        "procedures.",
    ]
    [change] = changes_json(repo, old, new)
    assert change["kind"] == "point-edited"
    assert change["where"] == {"section": "topics", "topic": 0, "item": 1, "field": "points"}
    assert change["context"] == "Trade"
    assert {"op": "insert", "text": "and transit"} in change["words"]
    _, markdown, _ = run_diff(repo, old, new, fmt="markdown")
    assert "  - *edited* point 2: We propose a **joint** working group" in markdown


def test_marking_change_comes_first_and_loud(series: tuple[GitRepo, dict[str, str]]) -> None:
    repo, commits = series
    _, out, _ = run_diff(repo, commits["reorder"], commits["marking"])
    lines = out.splitlines()
    assert lines[2] == "!! MARKING CHANGED: OFFICIAL → OFFICIAL-SENSITIVE"
    kinds = [c["kind"] for c in changes_json(repo, commits["reorder"], commits["marking"])]
    assert kinds == ["marking-changed", "programme-moved", "point-edited"]


def test_renamed_person_file_with_a_new_id_is_removed_and_added(
    series: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, old, new = step(series, "rename-person")
    _, out, _ = run_diff(repo, old, new)
    assert body(out) == [
        "Delegations",
        "  Away Federation",
        "    - Boris Beta (boris-beta): Deputy Minister, 3rd in precedence",
        "    + Boris Beta (boris-betta): Deputy Minister, 3rd in precedence",
    ]
    kinds = [(c["kind"], c["where"]["person"]) for c in changes_json(repo, old, new)]
    assert kinds == [("member-removed", "boris-beta"), ("member-added", "boris-betta")]


def test_photo_added_then_replaced_by_content(series: tuple[GitRepo, dict[str, str]]) -> None:
    repo, old, new = step(series, "photo")
    _, out, _ = run_diff(repo, old, new)
    assert body(out) == [
        "People",
        "  Anna Alpha",
        "    ~ honorific: H.E. → none",
        "    + photo: photos/anna.png",
    ]
    repo, old, new = step(series, "photo-replaced")
    _, out, _ = run_diff(repo, old, new)
    assert body(out) == ["People", "  Anna Alpha", "    ~ photo: replaced by a different image"]


def test_a_data_folder_at_a_commit_compares_each_meeting(
    series: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, commits = series
    code, out, err = run_diff(
        repo, commits["initial"], commits["add-member"], fmt="json", meeting="delegations"
    )
    assert code == 0, err
    [result] = json.loads(out)["meetings"]
    assert result["meeting"] == "m"
    assert [c["kind"] for c in result["changes"]] == ["member-added"]


def test_renamed_meeting_folder_is_followed(series: tuple[GitRepo, dict[str, str]]) -> None:
    repo, commits = series
    changes = changes_json(
        repo, commits["photo-replaced"], commits["rename-meeting"], "delegations/m2"
    )
    assert changes == []
    changes = changes_json(repo, commits["initial"], "HEAD", "delegations/m2")
    assert changes[0]["kind"] == "marking-changed"


def test_no_change_against_the_working_tree(series: tuple[GitRepo, dict[str, str]]) -> None:
    repo, _ = series
    code, out, _ = run_diff(repo, "HEAD", meeting="delegations/m2")
    assert code == 0
    assert out.splitlines()[0].startswith("Changes in m2 from HEAD (")
    assert out.splitlines()[0].endswith(") to the working tree")
    assert out.rstrip().endswith("No changes.")


def test_bad_revision_is_a_clear_error(series: tuple[GitRepo, dict[str, str]]) -> None:
    repo, _ = series
    code, out, err = run_diff(repo, "no-such-branch", meeting="delegations/m2")
    assert code == 1
    assert out == ""
    assert err.startswith("error: unknown revision 'no-such-branch': it names no commit")
    assert "Traceback" not in err


def test_option_like_revision_is_not_passed_to_git_as_an_option(
    series: tuple[GitRepo, dict[str, str]],
) -> None:
    from briefgen.errors import GitError
    from briefgen.vcs.gitinfo import Repository, resolve_revision

    repo, _ = series
    with pytest.raises(GitError, match="unknown revision '--output=x'"):
        resolve_revision(Repository(repo.top.resolve()), "--output=x")
    assert not (repo.top / "x").exists()


def test_meeting_missing_at_the_old_revision(series: tuple[GitRepo, dict[str, str]]) -> None:
    repo, commits = series
    repo.write({"delegations/n/meeting.yaml": "x"})
    try:
        code, _, err = run_diff(repo, commits["initial"], meeting="delegations/n")
    finally:
        (repo.top / "delegations/n/meeting.yaml").unlink()
        (repo.top / "delegations/n").rmdir()
    assert code == 1
    assert "does not exist at" in err


def test_invalid_old_revision_gives_located_errors_naming_it(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.write(dict(base_tree()))
    repo.edit(
        "delegations/m/away.yaml",
        "  - person: boris-beta\n",
        "  - person: boris-beta\n    rol: x\n",
    )
    repo.commit("Broken")
    repo.edit("delegations/m/away.yaml", "    rol: x\n", "")
    repo.commit("Fixed")
    code, out, err = run_diff(repo, "HEAD~1", "HEAD")
    assert code == 1
    assert out == ""
    assert "HEAD~1:delegations/m/away.yaml:6:5: error: unknown key 'rol'" in err
    assert "1 error(s) in the meeting in HEAD~1 (" in err


def test_shallow_clone_lacking_the_revision(tmp_path: Path) -> None:
    origin = GitRepo(tmp_path / "origin")
    origin.write(dict(base_tree()))
    origin.commit("One")
    origin.edit("delegations/m/meeting.yaml", "Example talks", "Example talks, round two")
    origin.commit("Two")
    clone = tmp_path / "clone"
    subprocess.run(
        [origin.git_path, "clone", "-q", "--depth", "1", origin.top.as_uri(), str(clone)],
        check=True,
    )
    result = CliRunner().invoke(main, ["diff", "HEAD~1", str(clone / "delegations/m")])
    assert result.exit_code == 1
    assert "shallow" in result.stderr
    assert "git fetch --unshallow" in result.stderr


def test_outside_git_diff_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    for name, text in base_tree().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", "HEAD", str(folder / "delegations/m")])
    assert result.exit_code == 1
    assert "is not in a git repository" in result.stderr


def test_word_edits_keep_every_word_once() -> None:
    edits = word_edits("Restricted talks at 14:30", "Restricted talks at 15:00 sharp")
    assert edits == (
        WordEdit("equal", "Restricted talks at"),
        WordEdit("delete", "14:30"),
        WordEdit("insert", "15:00 sharp"),
    )


def test_diff_does_not_import_weasyprint(series: tuple[GitRepo, dict[str, str]]) -> None:
    repo, commits = series
    code = (
        "import sys; from click.testing import CliRunner; from briefgen.cli.main import main; "
        f"r = CliRunner().invoke(main, ['diff', {commits['initial']!r}, "
        f"{str(repo.top / 'delegations/m2')!r}]); "
        "assert r.exit_code == 0, r.output; print('weasyprint' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
