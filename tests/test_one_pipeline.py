"""Build and preview are one pipeline: the same options resolver and the same book function.

For every configuration that changes the book, the HTML ``build`` writes and
the HTML the preview serves (before its reload script is added) must be the
same bytes.  A configuration the preview resolved differently (paper, family
caps, theme, language, marking case, edition) fails here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen.build.run import build_project
from briefgen.options import BuildOptions
from briefgen.project.load import load_project
from briefgen.serve.preview import ServeOptions, build_page

from .conftest import BILATERAL_ONLY, EXAMPLE
from .test_editions import make_tree

ANKARA = "2017-09-28-ankara"


def example(tmp_path: Path, config: str = "", **replace: str) -> Path:
    """The example data in ``tmp_path``, with a briefgen.yaml and meeting.yaml replacements."""
    root = tmp_path / "delegations"
    shutil.copytree(EXAMPLE, root, ignore=BILATERAL_ONLY)
    if config:
        (root / "briefgen.yaml").write_text(config, encoding="utf-8")
    meeting = root / ANKARA / "meeting.yaml"
    text = meeting.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    meeting.write_text(text, encoding="utf-8")
    return root


def built_and_served(
    root: Path, folder: str, out: Path, edition: str | None = None
) -> tuple[str, str]:
    options = BuildOptions(out_dir=out, format="html", edition=edition, cache=False)
    [path] = build_project(load_project(root, [root / folder]), options)
    page = build_page(root, root / folder, ServeOptions(book=BuildOptions(edition=edition)))
    assert page.html is not None, page.problems
    return path.read_text(encoding="utf-8"), page.html


CONFIGURATIONS = {
    "default": ("", {}, ["size: A4;", "Lavrov"]),
    "letter, capitals, compact": (
        "paper: letter\nfamily_caps: true\ntheme: compact\n",
        {},
        ["size: letter;", "LAVROV", "--accent: #8c2f39"],
    ),
    "theme alone decides the paper": ("theme: compact\n", {}, ["size: letter;"]),
    "Russian": ("", {"language: en": "language: ru"}, ['lang="ru"', "Содержание"]),
    "French": ("", {"language: en": "language: fr"}, ['lang="fr"', "Sommaire"]),
    "Turkish with a Turkish marking": (
        "markings: [gizli, hizmete özel]\n",
        {"language: en": "language: tr", "marking: OFFICIAL": "marking: gizli"},
        ['lang="tr"', "GİZLİ"],
    ),
}


@pytest.mark.parametrize("name", list(CONFIGURATIONS))
def test_build_equals_preview(tmp_path: Path, name: str) -> None:
    config, replace, expected = CONFIGURATIONS[name]
    root = example(tmp_path, config, **replace)
    built, served = built_and_served(root, ANKARA, tmp_path / "out")
    assert built == served
    for text in expected:
        assert text in built, text
    assert "GIZLI" not in built


@pytest.mark.parametrize("edition", ["principal", "staff"])
def test_build_equals_preview_for_an_edition(tmp_path: Path, edition: str) -> None:
    root = make_tree(tmp_path / "delegations")
    built, served = built_and_served(root, "m", tmp_path / "out", edition)
    assert built == served
    label = {"principal": "Principal’s edition", "staff": "Staff edition"}[edition]
    assert label in built
