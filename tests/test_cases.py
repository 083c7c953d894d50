"""The corpus of bad input under tests/cases/: each case must fail with exactly its messages.

A case is a folder with ``data/`` (files laid over the small valid tree of
conftest.py; a file may be bytes that are not UTF-8), ``expected.txt``
(one ``file:line:col CODE`` per expected problem) and optionally
``args.txt`` (extra arguments for ``briefgen check``).  Each is checked with
``briefgen check --strict --format json`` and must exit 1.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli.main import main

from .conftest import DataTree

CASES = Path(__file__).parent / "cases"


def case_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "expected.txt").is_file())


def test_the_corpus_is_large_and_covers_every_code() -> None:
    from briefgen.codes import CODES

    names = case_names()
    assert len(names) >= 30
    expected = [*CASES.glob("*/expected.txt"), *CASES.glob("hostile/*/expected.txt")]
    covered = {line.split()[1] for path in expected for line in path.read_text().splitlines()}
    uncovered = set(CODES) - covered - {"BG113", "BG214"}  # unreadable file; generic fallback
    assert not uncovered, f"codes without a case: {sorted(uncovered)}"


@pytest.mark.parametrize("name", case_names())
def test_case(name: str, data_tree: DataTree, monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES / name
    root = data_tree()
    if (case / "data").is_dir():
        shutil.copytree(case / "data", root, dirs_exist_ok=True)
    args = (case / "args.txt").read_text().split() if (case / "args.txt").exists() else []
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", ".", "--strict", "--format", "json", *args])
    assert result.exit_code == 1, result.output
    found = sorted(
        f"{p['file']}:{p['line']}:{p['col']} {p['code']}" for p in json.loads(result.stdout)
    )
    expected = sorted((case / "expected.txt").read_text().split("\n")[:-1])
    assert found == expected, json.dumps(json.loads(result.stdout), indent=1, ensure_ascii=False)
