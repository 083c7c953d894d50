"""A meeting's outputs are replaced as one set: a full disk or a kill while writing
leaves every previous output as it was, says so, and leaves no temporary file for good."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import briefgen.outputs.atomic
from briefgen.cli.main import main
from briefgen.errors import OutputError
from briefgen.outputs.atomic import remove_stale_temps, write_set

from .conftest import DataTree

OLD = {"book.html": b"<html>old</html>", "book.pdf": b"%PDF-1.7 old\n"}


def previous(out: Path) -> Path:
    folder = out / "m"
    folder.mkdir(parents=True)
    for name, data in OLD.items():
        (folder / name).write_bytes(data)
    return folder


def test_a_full_disk_replaces_nothing_and_says_so(
    data_tree: DataTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = briefgen.outputs.atomic._stage

    def full_disk(path: Path, data: bytes) -> Path:
        if path.name == "book.pdf":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(path, data)

    monkeypatch.setattr(briefgen.outputs.atomic, "_stage", full_disk)
    folder = previous(tmp_path / "out")
    args = ["build", str(data_tree()), "--out", str(tmp_path / "out"), "--format", "all"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert "nothing was replaced" in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == OLD


def test_write_set_names_what_was_not_replaced_when_a_rename_fails(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x").write_text("a folder in the way")
    with pytest.raises(OutputError, match=r"NOT replaced.*b") as caught:
        write_set([(tmp_path / "a", b"1"), (tmp_path / "b", b"2")])
    assert "replaced: a" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


KILLER = """
import os, signal, sys
import briefgen.outputs.atomic as atomic
real = atomic._stage
def stage(path, data):
    made = real(path, data)
    if path.name == "pocket.pdf":  # the last file of the set is written: die before renaming
        os.kill(os.getpid(), signal.SIGKILL)
    return made
atomic._stage = stage
from briefgen.cli.main import main
from briefgen.errors import OutputError
main(sys.argv[1:])
"""


def test_a_build_killed_while_writing_keeps_the_old_set_and_the_next_cleans_up(
    data_tree: DataTree, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    folder = previous(out)
    root = data_tree()
    command = [sys.executable, "-c", KILLER, "build", str(root), "--out", str(out)]
    process = subprocess.run(command, capture_output=True, timeout=300)
    assert process.returncode == -signal.SIGKILL
    visible = {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}
    assert visible == OLD, "killed before the renames: every previous output is unchanged"
    assert [p for p in folder.iterdir() if p.name.endswith(".tmp")], "temps of the dead build"
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    assert (folder / "book.pdf").read_bytes() != OLD["book.pdf"]


def test_only_temporary_files_of_dead_builds_are_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".book.pdf.briefgen-{dead.pid}-0123abcd.tmp"
    live = tmp_path / f".book.pdf.briefgen-{os.getpid()}-0123abcd.tmp"
    other = tmp_path / ".notes.tmp"
    for path in (stale, live, other):
        path.write_bytes(b"x")
    assert remove_stale_temps(tmp_path) == [stale]
    assert live.exists() and other.exists()
