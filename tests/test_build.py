from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from briefgen.build.meeting import describe_build, meeting_versions
from briefgen.build.run import build_project
from briefgen.options import BuildOptions
from briefgen.project.load import load_project

from .conftest import DataTree, require_tool


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        [require_tool("git"), "-C", str(folder), *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_built_html_carries_the_version_line_outside_git(
    data_tree: DataTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1506556800")  # 2017-09-28T00:00:00Z
    project = load_project(data_tree())
    [html] = build_project(project, BuildOptions(out_dir=tmp_path / "out", format="html"))
    assert html.name == "book.html"
    assert "Built 28 September 2017" in html.read_text(encoding="utf-8")


def test_version_line_names_the_commit_of_the_inputs(
    data_tree: DataTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2017-09-28T10:00:00+00:00")
    root = data_tree()
    git(root, "init", "-q")
    git(root, "add", ".")
    git(
        root,
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.org",
        "commit",
        "-qm",
        "data",
        "--date",
        "2017-09-28T10:00:00+00:00",
    )
    project = load_project(root)
    record = project.meetings[0]
    version = meeting_versions([record])[record.id]
    assert version is not None and not version.dirty
    info = describe_build(version)
    assert info.commit == git(root, "rev-parse", "--short", "HEAD")
    [html] = build_project(project, BuildOptions(out_dir=tmp_path / "out", format="html"))
    text = html.read_text(encoding="utf-8")
    assert f"Version {info.commit} of 28 September 2017 · built 28 September 2017" in text
