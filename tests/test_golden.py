"""Golden HTML of the example book for each theme and each shipped language.

A change that drops a translation, breaks a theme or alters the markup shows
here as a diff to review.  Refresh every golden file after an intended change
with ``make golden`` (``pytest --update-golden``); a failing comparison writes
the new output beside the golden file as ``*.actual.html``.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from briefgen.project.load import load_project
from briefgen.render.book import BuildInfo, RenderOptions, make_environment, render_book
from briefgen.render.i18n import SHIPPED_LANGUAGES
from briefgen.schema.choices import ThemeName, names

from .conftest import BILATERAL_ONLY, EXAMPLE

TESTDATA = Path(__file__).parent / "testdata"
FIXED_BUILD = BuildInfo(built=date(2017, 9, 27), commit="0123abc")


def example_in(language: str, tmp_path: Path) -> Path:
    if language == "en":
        root = tmp_path / "delegations"
        shutil.copytree(EXAMPLE, root, ignore=BILATERAL_ONLY)
        return root
    root = tmp_path / "delegations"
    shutil.copytree(EXAMPLE, root, ignore=BILATERAL_ONLY)
    meeting = next(root.glob("*/meeting.yaml"))
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("language: en", f"language: {language}"), encoding="utf-8")
    return root


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
@pytest.mark.parametrize("theme", names(ThemeName))
def test_example_book_matches_golden(
    theme: str, language: str, tmp_path: Path, update_golden: bool
) -> None:
    [meeting] = load_project(example_in(language, tmp_path)).meetings
    html = render_book(meeting, make_environment(None, theme), RenderOptions(), FIXED_BUILD)
    golden = TESTDATA / f"ankara-{theme}-{language}.html"
    actual = golden.with_suffix(".actual.html")
    if update_golden:
        golden.write_text(html, encoding="utf-8")
        actual.unlink(missing_ok=True)
    assert golden.exists(), "run `make golden` to create the golden files"
    if html != golden.read_text(encoding="utf-8"):
        actual.write_text(html, encoding="utf-8")
        pytest.fail(
            f"{golden.name} changed: compare it with {actual} (diff -u); "
            "if the change is intended, run `make golden` and review the diff"
        )
    actual.unlink(missing_ok=True)


@pytest.mark.parametrize(
    ("language", "quoted"),
    [("en", "“Astana”"), ("fr", "«\u202fAstana\u202f»"), ("ru", "«Astana»"), ("tr", "“Astana”")],
)
def test_quotation_marks_follow_the_book_language(
    language: str, quoted: str, tmp_path: Path
) -> None:
    root = example_in(language, tmp_path)
    meeting = next(root.glob("*/meeting.yaml"))
    text = meeting.read_text(encoding="utf-8").replace(
        "title: Russia–Turkey talks at presidential level",
        'title: Russia–Turkey talks on "Astana"',
    )
    meeting.write_text(text, encoding="utf-8")
    [record] = load_project(root).meetings
    html = render_book(record, make_environment(None, "default"), RenderOptions(), FIXED_BUILD)
    assert f"Russia–Turkey talks on {quoted}" in html
