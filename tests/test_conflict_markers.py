"""CI guard: no tracked file may contain an unresolved git merge conflict."""

from __future__ import annotations

import re
import subprocess

import pytest

from .conftest import REPO, require_tool

#: Files that contain conflict markers on purpose (fixtures of the lint that reports them).
DELIBERATE = {"tests/cases/yaml-conflict-markers/data/people/boris-beta.yaml"}
MARKER = re.compile(rb"^(<<<<<<< |=======$|>>>>>>> )", re.MULTILINE)


def tracked_files() -> list[str]:
    git = require_tool("git")
    result = subprocess.run([git, "ls-files", "-z"], cwd=REPO, capture_output=True, check=False)
    if result.returncode != 0:
        pytest.skip("not a git checkout")
    return [name for name in result.stdout.decode("utf-8").split("\0") if name]


def test_no_tracked_file_contains_conflict_markers() -> None:
    found = []
    for name in tracked_files():
        path = REPO / name
        if name in DELIBERATE or not path.is_file():
            continue
        data = path.read_bytes().replace(b"\r\n", b"\n")
        for match in MARKER.finditer(data):
            line = data.count(b"\n", 0, match.start()) + 1
            found.append(f"{name}:{line}: {match.group(0).decode().strip()}")
    assert not found, "unresolved merge conflict markers:\n  " + "\n  ".join(found)


def test_the_guard_sees_a_marker() -> None:
    assert MARKER.search(b"text\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> branch\n")
    assert not MARKER.search(b"a heading\n========\n")
