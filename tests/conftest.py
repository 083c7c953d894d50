"""Shared fixtures: a small data tree builder, the example data, system tools."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "delegations"
EXAMPLE_MEETING = EXAMPLE / "2017-09-28-ankara"
#: The multilateral example beside Ankara; tests of the bilateral book copy the data without it.
SUMMIT_MEETING = EXAMPLE / "2019-09-16-ankara"
BILATERAL_ONLY = shutil.ignore_patterns(SUMMIT_MEETING.name)

PERSON_A = """\
name:
  given: Anna
  family: Alpha
  native: Анна Альфа
  pronunciation: AH-nah AHL-fah
honorific: H.E.
salutation: Ms
office: Minister of Examples
"""
PERSON_B = """\
name:
  given: Boris
  family: Beta
salutation: Mr
office: Deputy Minister
"""
PERSON_C = """\
name:
  given: Can
  family: Gamma
salutation: Mr
office: President
"""
MEETING = """\
title: Example talks
date: 2020-01-02
marking: OFFICIAL
host: home
delegations: [home, away]
programme:
  - time: 10:00
    title: Talks
"""
HOME = """\
name: Home Republic
country: TR
members:
  - person: can-gamma
"""
AWAY = """\
name: Away Federation
country: RU
members:
  - person: anna-alpha
  - person: boris-beta
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files under tests/testdata from the current output.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """One font cache for the whole run (each test has its own cache secret, below): static
    instances of the bundled fonts take seconds to make and depend only on the fonts and
    fontTools (see briefgen.outputs.fontcache), so the user's own are shared."""
    from briefgen.outputs.fontcache import font_cache_dir

    os.environ.setdefault("BRIEFGEN_FONT_CACHE", str(font_cache_dir()))


@pytest.fixture(autouse=True)
def private_cache_key(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test has its own machine cache secret (see briefgen.outputs.cache.machine_key)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


DataTree = Callable[..., Path]
DEFAULT_TREE: dict[str, str] = {
    "people/anna-alpha.yaml": PERSON_A,
    "people/boris-beta.yaml": PERSON_B,
    "people/can-gamma.yaml": PERSON_C,
    "m/meeting.yaml": MEETING,
    "m/home.yaml": HOME,
    "m/away.yaml": AWAY,
}


def write_tree(root: Path, **files: str | None) -> Path:
    """Write the small valid tree under ``root``; keyword arguments replace or add files.

    ``write_tree(root, **{"m/away.yaml": "..."})``; a value of ``None`` leaves the file out.
    """
    tree: dict[str, str | None] = {**DEFAULT_TREE, **files}
    for name, text in tree.items():
        if text is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def data_tree(tmp_path: Path) -> DataTree:
    """Write a small valid delegations tree (see :func:`write_tree`)."""

    def make(**files: str | None) -> Path:
        return write_tree(tmp_path / "delegations", **files)

    return make


def require_tool(name: str) -> str:
    """Path of a system tool; skip without it, or fail when BRIEFGEN_REQUIRE_TOOLS=1."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("BRIEFGEN_REQUIRE_TOOLS") == "1":
            pytest.fail(f"'{name}' is required (BRIEFGEN_REQUIRE_TOOLS=1) but not installed")
        pytest.skip(f"'{name}' is not installed")
    return path
