"""Same inputs at the same commit → the same bytes; the date comes from git or SOURCE_DATE_EPOCH."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.build.run import build_project
from briefgen.options import BuildOptions
from briefgen.project.load import load_project
from briefgen.schema.choices import Format

from .gitrepo import GitRepo, base_tree

WHEN = 1_600_000_000  # 2020-09-13 12:26:40 UTC
BIO = "bio: Career diplomat; served in Geneva and Vienna.\n"


def build(data: Path, out: Path, fmt: Format = "pdf") -> bytes:
    [path] = build_project(load_project(data), BuildOptions(out_dir=out, format=fmt))
    return path.read_bytes()


def test_pdf_bytes_depend_only_on_the_committed_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo = GitRepo(tmp_path / "repo")
    repo.write(
        {
            **base_tree(),
            "delegations/people/boris-beta.yaml": base_tree()["delegations/people/boris-beta.yaml"]
            + BIO,
        }
    )
    repo.commit("Initial", when=WHEN)
    data = repo.top / "delegations"
    first = build(data, tmp_path / "one")
    second = build(data, tmp_path / "two")
    assert first == second
    info = PdfReader(tmp_path / "one/m/book.pdf").metadata
    assert info is not None
    assert info["/CreationDate"] == info["/ModDate"] == "D:20200913122640Z"

    repo.edit("delegations/people/boris-beta.yaml", "Vienna", "Vienna and Ankara")
    repo.commit("Longer bio", when=WHEN)  # same date: only the content differs
    third = build(data, tmp_path / "three")
    assert third != first
    trailer = PdfReader(tmp_path / "three/m/book.pdf").trailer["/ID"]
    assert trailer[0] == PdfReader(tmp_path / "one/m/book.pdf").trailer["/ID"][0]
    assert trailer[1] != PdfReader(tmp_path / "one/m/book.pdf").trailer["/ID"][1]


def test_outside_git_source_date_epoch_is_honoured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, text in base_tree().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    build(tmp_path / "delegations", tmp_path / "out")
    info = PdfReader(tmp_path / "out/m/book.pdf").metadata
    assert info is not None
    assert info["/CreationDate"] == "D:19700102000000Z"


def test_html_is_the_same_on_every_build(tmp_path: Path) -> None:
    for name, text in base_tree().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    data = tmp_path / "delegations"
    assert build(data, tmp_path / "a", "html") == build(data, tmp_path / "b", "html")
