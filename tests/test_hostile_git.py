"""Hostile revisions: a crafted commit cannot make ``diff`` or ``--changes-since`` write
outside the snapshot folder (tree entries named ``..``, ``.``, holding ``/``, links).

Git's porcelain refuses such trees, but its plumbing (``mktree``,
``hash-object --literally``) writes them, and a pull request can carry them.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli.main import main
from briefgen.errors import GitError
from briefgen.vcs.snapshot import snapshot_path

from .gitrepo import GitRepo, base_tree

PAYLOAD = b"name:\n  given: Eve\n  family: Escaped\noffice: Intruder\n"


def raw_tree(repo: GitRepo, entries: list[tuple[str, str, str]]) -> str:
    """A tree object written byte for byte: (mode, name, object id) with any name at all."""
    body = b"".join(
        f"{mode} {name}".encode() + b"\0" + bytes.fromhex(oid) for mode, name, oid in entries
    )
    return (
        subprocess.run(
            [repo.git_path, "hash-object", "-t", "tree", "--literally", "-w", "--stdin"],
            cwd=repo.top,
            input=body,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )


def crafted_commit(repo: GitRepo, extra: list[tuple[str, str, str]]) -> str:
    """HEAD with ``extra`` entries added to ``delegations/people``."""

    def ls(tree: str) -> list[tuple[str, str, str]]:
        out = repo.git("ls-tree", tree)
        rows = [line.split("\t", 1) for line in out.splitlines()]
        return [(meta.split()[0], name, meta.split()[2]) for meta, name in rows]

    top = ls("HEAD")
    delegations = dict((n, o) for _, n, o in top)["delegations"]
    inner = ls(delegations)
    people = dict((n, o) for _, n, o in inner)["people"]
    new_people = raw_tree(repo, sorted(ls(people) + extra, key=lambda e: e[1]))
    new_inner = raw_tree(repo, [(m, n, new_people if n == "people" else o) for m, n, o in inner])
    new_top = raw_tree(repo, [(m, n, new_inner if n == "delegations" else o) for m, n, o in top])
    return repo.git("commit-tree", new_top, "-p", "HEAD", "-m", "crafted")


def nested_dots(repo: GitRepo, depth: int, leaf: str, blob: str) -> str:
    """A tree ``../../…/leaf`` ``depth`` levels deep."""
    tree = raw_tree(repo, [("100644", leaf, blob)])
    for _ in range(depth - 1):
        tree = raw_tree(repo, [("40000", "..", tree)])
    return tree


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write(dict(base_tree()))
    repo.commit("Initial meeting")
    return repo


@pytest.mark.parametrize("form", ["dotdot-trees", "slash-in-name", "dot-name"])
def test_a_crafted_tree_never_writes_outside_the_snapshot(
    repo: GitRepo, tmp_path: Path, form: str
) -> None:
    blob = (
        subprocess.run(
            [repo.git_path, "hash-object", "-w", "--stdin"],
            cwd=repo.top,
            input=PAYLOAD,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    marker = f"pwned-{form}.yaml"
    if form == "dotdot-trees":
        extra = [("40000", "..", nested_dots(repo, 12, marker, blob))]
    elif form == "slash-in-name":
        extra = [("100644", "../" * 12 + "tmp/" + marker, blob)]
    else:
        extra = [("40000", ".", raw_tree(repo, [("100644", marker, blob)]))]
    commit = crafted_commit(repo, extra)
    result = CliRunner().invoke(main, ["diff", commit, str(repo.top / "delegations/m")])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "not a plain path" in result.stderr
    for place in (Path("/"), Path(tempfile.gettempdir())):
        assert not (place / marker).exists()
    assert not list(tmp_path.rglob(marker))


def test_a_link_in_the_tree_is_never_written(repo: GitRepo, tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    link = (
        subprocess.run(
            [repo.git_path, "hash-object", "-w", "--stdin"],
            cwd=repo.top,
            input=str(tmp_path / "outside").encode(),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    commit = crafted_commit(repo, [("120000", "photos", link)])
    result = CliRunner().invoke(main, ["diff", commit, str(repo.top / "delegations/m")])
    assert "Traceback" not in result.output
    assert list((tmp_path / "outside").iterdir()) == []


@pytest.mark.parametrize("path", ["..", "a/../../b", "/etc/x", "a//b", "./a", "a\\b", "a\0b"])
def test_snapshot_paths_are_checked_name_by_name(path: str, tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not a plain path"):
        snapshot_path(tmp_path, path)
