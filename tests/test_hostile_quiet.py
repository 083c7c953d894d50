"""Quietly wrong output, made loud or right: a shallow clone's version, links in the
output folder, phone photos with a multi-picture segment."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from briefgen.cli.main import main
from briefgen.vcs.gitinfo import version_infos

from .conftest import PERSON_A, DataTree
from .gitrepo import GitRepo, base_tree


def test_a_shallow_clone_says_so_and_prints_no_false_date(tmp_path: Path) -> None:
    origin = GitRepo(tmp_path / "origin")
    origin.write(dict(base_tree()))
    first = origin.commit("Meeting", when=1_500_000_000)
    origin.write({"README.md": "unrelated\n"})
    origin.commit("Unrelated", when=1_700_000_000)
    clone = tmp_path / "clone"
    subprocess.run(
        [origin.git_path, "clone", "-q", "--depth", "1", origin.top.as_uri(), str(clone)],
        check=True,
    )
    meeting = clone / "delegations" / "m" / "meeting.yaml"
    full = version_infos([[origin.top / "delegations" / "m" / "meeting.yaml"]])[0]
    assert full is not None and full.commit == first and not full.shallow
    shallow = version_infos([[meeting]])[0]
    assert shallow is not None and shallow.shallow and shallow.date is None
    result = CliRunner().invoke(
        main,
        ["build", str(clone / "delegations"), "--out", str(tmp_path / "out"), "--format", "html"],
    )
    assert result.exit_code == 0, result.output
    assert "shallow clone" in result.stderr and "fetch-depth: 0" in result.stderr
    html = (tmp_path / "out" / "m" / "book.html").read_text()
    assert "2023" not in html
    assert f"Version {shallow.short} ·" in html and " of ·" not in html


@pytest.mark.parametrize("link", ["build", "build/m"])
def test_outputs_are_never_written_through_a_link(
    link: str, data_tree: DataTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = data_tree()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(root.parent)
    if link != "build":
        (root.parent / "build").mkdir()
    (root.parent / link).symlink_to(elsewhere)
    result = CliRunner().invoke(main, ["build", str(root), "--out", "build", "--format", "html"])
    assert result.exit_code == 1
    assert "is a symbolic link" in result.stderr and "Traceback" not in result.output
    assert list(elsewhere.iterdir()) == []


def test_a_phone_photo_with_a_multi_picture_segment_is_a_jpeg(
    data_tree: DataTree, tmp_path: Path
) -> None:
    first = Image.new("RGB", (300, 400), (200, 10, 10))
    second = Image.new("RGB", (300, 400), (10, 10, 200))
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    root = data_tree(**{"people/anna-alpha.yaml": PERSON_A + "photo: photos/anna.jpg\n"})
    (root / "people" / "photos").mkdir()
    (root / "people" / "photos" / "anna.jpg").write_bytes(buffer.getvalue())
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert "data:image/jpeg;base64," in (out / "m" / "book.html").read_text()
