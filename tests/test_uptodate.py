"""The no-op build's short cut (briefgen.build.uptodate): taken only when nothing changed.

A second ``build`` of unchanged data says "up to date" without loading the
data folder, and prints what a full build would (its warnings included);
any change to an input, a template, an option, SOURCE_DATE_EPOCH, git's view
of the inputs or an output makes it a full build again.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import briefgen.project.load
from briefgen.cli.main import main
from briefgen.outputs.cache import CACHE_DIR
from briefgen.project.themes import builtin_templates

from .conftest import HOME, DataTree
from .gitrepo import GitRepo, base_tree


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The data roots loaded (validated) by builds in this process."""
    roots: list[Path] = []
    real = briefgen.project.load.load_project

    def counting(root: Path, *args: Any, **kwargs: Any) -> Any:
        roots.append(root)
        return real(root, *args, **kwargs)

    monkeypatch.setattr(briefgen.project.load, "load_project", counting)
    return roots


def build(root: Path, out: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return result


def test_unchanged_build_is_not_loaded_and_prints_the_same(
    data_tree: DataTree, tmp_path: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1506556800")
    root = data_tree(**{"m/other.yaml": HOME})  # not in meeting.yaml: a warning (BG401)
    out = tmp_path / "out"
    first = build(root, out, "--format", "html")
    assert "wrote" in first.stdout and "BG401" in first.stderr
    assert len(loads) == 1
    again = build(root, out, "--format", "html")
    assert len(loads) == 1, "the short cut was not taken"
    assert "BG401" in again.stderr
    assert "1 meeting(s) up to date" in again.stdout
    shutil.rmtree(out / CACHE_DIR / "uptodate")
    full = build(root, out, "--format", "html")
    assert len(loads) == 2
    assert (full.stdout, full.stderr) == (again.stdout, again.stderr)
    quiet = build(root, out, "--format", "html", "-q")
    assert len(loads) == 2
    assert quiet.output == ""


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write(text)


def make_change(
    change: str, root: Path, out: Path, templates: Path, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """Make ``change``; return the command line's extra arguments."""
    if change == "bio":
        _append(root / "people" / "anna-alpha.yaml", "bio: Joined the ministry in 1999.\n")
    elif change == "unused new person":
        (root / "people" / "dora-delta.yaml").write_text("name:\n  given: Dora\n  family: Delta\n")
    elif change == "hidden file":
        (root / "m" / ".notes").write_text("a note")
    elif change == "template":
        _append(templates / "book.css", "\n.changed-by-test { color: red; }\n")
    elif change == "option":
        return ["--family-caps"]
    elif change == "source date":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    elif change == "output edited":
        (out / "m" / "book.html").write_text("edited by hand")
    elif change == "output deleted":
        (out / "m" / "book.html").unlink()
    elif change == "cache deleted":
        shutil.rmtree(out / CACHE_DIR / "meetings")
    return []


@pytest.mark.parametrize(
    "change",
    [
        "bio",
        "unused new person",
        "hidden file",
        "template",
        "option",
        "source date",
        "output edited",
        "output deleted",
        "cache deleted",
    ],
)
def test_a_change_is_a_full_build(
    data_tree: DataTree,
    tmp_path: Path,
    loads: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    change: str,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1506556800")
    templates = tmp_path / "templates"
    shutil.copytree(builtin_templates(), templates)
    root, out = data_tree(), tmp_path / "out"
    args = ["--format", "html", "--templates", str(templates)]
    build(root, out, *args)
    build(root, out, *args)
    assert len(loads) == 1
    extra = make_change(change, root, out, templates, monkeypatch)
    build(root, out, *args, *extra)
    assert len(loads) == 2, f"{change}: the short cut was taken"
    build(root, out, *args, *extra)
    assert len(loads) == 2, f"{change}: the short cut was not taken after the full build"


def test_a_link_in_the_data_folder_means_no_short_cut(
    data_tree: DataTree, tmp_path: Path, loads: list[Path]
) -> None:
    root, out = data_tree(), tmp_path / "out"
    os.symlink(root / "m" / "home.yaml", root / "m" / "link.yaml")
    build(root, out, "--format", "html")
    build(root, out, "--format", "html")
    assert len(loads) == 2


def test_git_state_is_part_of_the_decision(
    tmp_path: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo = GitRepo(tmp_path / "repo")
    repo.write(dict(base_tree()))
    repo.commit("first")
    root, out = repo.top / "delegations", tmp_path / "out"
    build(root, out, "--format", "html")
    build(root, out, "--format", "html")
    assert len(loads) == 1
    repo.git("commit", "-q", "--allow-empty", "-m", "unrelated")
    build(root, out, "--format", "html")
    assert len(loads) == 1, "a commit that touches no input changes nothing"
    repo.edit("delegations/m/meeting.yaml", "Example talks", "Other talks")
    build(root, out, "--format", "html")  # a draft now
    assert len(loads) == 2
    build(root, out, "--format", "html")
    assert len(loads) == 2
    repo.commit("second", when=1_700_000_000)  # same bytes, but committed: no longer a draft
    build(root, out, "--format", "html")
    assert len(loads) == 3
