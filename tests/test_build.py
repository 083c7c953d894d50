from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from briefgen.build import BuildOptions, build_date, build_project, current_commit, describe_build
from briefgen.load import load_project

from .conftest import DataTree, require_tool


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        [require_tool("git"), "-C", str(folder), *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_commit_is_named_inside_a_git_repository(data_tree: DataTree) -> None:
    root = data_tree()
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "data")
    assert current_commit(root / "m") == git(root, "rev-parse", "--short", "HEAD")


def test_no_commit_outside_git(tmp_path: Path) -> None:
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    (outside / ".git").write_text("gitdir: /nonexistent\n", encoding="utf-8")  # a broken repo
    assert current_commit(outside) is None


def test_no_commit_without_git_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert current_commit(tmp_path) is None


def test_build_date_honours_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1506556800")  # 2017-09-28T00:00:00Z
    assert build_date() == date(2017, 9, 28)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")
    assert build_date() == date.today()


def test_built_html_carries_the_version_line(
    data_tree: DataTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1506556800")
    root = data_tree()
    info = describe_build(root / "m")
    [html] = build_project(
        load_project(root), BuildOptions(out_dir=tmp_path / "out", format="html")
    )
    assert html.name == "book.html"
    line = "Built 28 September 2017" + (f" from commit {info.commit}" if info.commit else "")
    assert f"{line} · briefgen " in html.read_text(encoding="utf-8")
