"""What a package index and an installer see: licence, one version, a page without broken links."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

from click.testing import CliRunner

import briefgen
from briefgen.cli import main

from .conftest import REPO


def pyproject() -> dict[str, object]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_version_is_written_once_and_everything_reports_it() -> None:
    project = pyproject()["project"]
    assert isinstance(project, dict)
    assert "version" not in project and "version" in project["dynamic"]
    assert metadata.version("briefgen") == briefgen.__version__
    result = CliRunner().invoke(main, ["--version"])
    assert result.output == f"briefgen, version {briefgen.__version__}\n"


def test_the_licence_file_matches_the_declared_licence() -> None:
    project = pyproject()["project"]
    assert isinstance(project, dict)
    assert project["license"] == "MIT"
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) ")
    assert "the briefgen authors" in text


def test_the_package_page_has_no_link_that_only_works_inside_the_repository() -> None:
    project = pyproject()["project"]
    assert isinstance(project, dict)
    page = (REPO / project["readme"]).read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)]*)\)", page) + re.findall(r'src="([^"]*)"', page)
    assert [t for t in targets if not t.startswith("https://")] == []
