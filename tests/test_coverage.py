"""The font lint's answer kept in the user's cache: the same answer, derived again when fonts
change, and nothing of WeasyPrint, pikepdf or fontTools imported by check or an HTML build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import briefgen.outputs.coverage
from briefgen.cli.main import main
from briefgen.outputs.coverage import KEPT, CoverageCache, coverage_folder
from briefgen.render.scripts import uncovered

from .conftest import EXAMPLE

#: Persian (as in the 2019 example), a Khitan character no usual font has, and Latin and
#: Cyrillic, which the bundled fonts decide without any font opened.
TEXT = "محمد جواد ظریف \U00018b00 Zarif Зариф"


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every question the cache passes on to the fonts themselves."""
    asked: list[list[str]] = []

    def asking(chars: list[str]) -> list[str]:
        asked.append(list(chars))
        return uncovered(chars)

    monkeypatch.setattr(briefgen.outputs.coverage, "uncovered", asking)
    return asked


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of the test's own, where a font can be installed (~/.fonts)."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "FONTCONFIG_FILE", "FONTCONFIG_PATH"):
        monkeypatch.delenv(name, raising=False)
    return folder


def test_the_kept_answer_is_the_answer(
    tmp_path: Path, home: Path, counted: list[list[str]]
) -> None:
    first = CoverageCache(tmp_path / "coverage")
    assert first.uncovered(TEXT) == uncovered(TEXT)
    first.flush()
    assert len(counted) == 1
    assert all(c not in counted[0] for c in "Zarif Зариф"), "the bundled fonts decide these"
    again = CoverageCache(tmp_path / "coverage")
    assert again.uncovered(TEXT) == uncovered(TEXT)
    assert again.uncovered(reversed(TEXT + "Z")) == uncovered(TEXT)
    assert len(counted) == 1, "the same characters are answered from the cache"
    again.uncovered(TEXT + "ق")
    assert len(counted) == 2, "another character is another question"


def test_latin_text_asks_nothing_and_keeps_nothing(
    tmp_path: Path, home: Path, counted: list[list[str]]
) -> None:
    cache = CoverageCache(tmp_path / "coverage")
    assert cache.uncovered("Mevlüt Çavuşoğlu, Сергей Лавров") == []
    cache.flush()
    assert counted == []
    assert not (tmp_path / "coverage").exists()


def test_a_font_installed_or_a_configuration_changed_derives_it_again(
    tmp_path: Path, home: Path, counted: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def ask() -> None:
        cache = CoverageCache(tmp_path / "coverage")
        assert cache.uncovered(TEXT) == uncovered(TEXT)
        cache.flush()

    ask()
    ask()
    assert len(counted) == 1
    fonts = home / ".fonts"
    fonts.mkdir()
    (fonts / "khitan.ttf").write_bytes(b"not really a font")
    ask()
    assert len(counted) == 2, "a font file in ~/.fonts is seen"
    (home / ".local" / "share" / "fonts").mkdir(parents=True)
    (home / ".local" / "share" / "fonts" / "persian.otf").write_bytes(b"x")
    ask()
    assert len(counted) == 3, "a font file in the XDG data folder is seen"
    elsewhere = tmp_path / "opt-fonts"
    elsewhere.mkdir()
    config = home / ".config" / "fontconfig" / "fonts.conf"
    config.parent.mkdir(parents=True)
    config.write_text(f"<fontconfig><dir>{elsewhere}</dir></fontconfig>", encoding="utf-8")
    ask()
    assert len(counted) == 4, "the user's fontconfig configuration is seen"
    ask()
    (elsewhere / "more.ttf").write_bytes(b"x")
    ask()
    assert len(counted) == 5, "a font in a folder the configuration adds is seen"
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    ask()
    assert len(counted) == 6, "another fontconfig configuration file is seen"


def test_a_changed_or_foreign_answer_is_not_believed(
    tmp_path: Path, home: Path, counted: list[list[str]]
) -> None:
    cache = CoverageCache(tmp_path / "coverage")
    cache.uncovered(TEXT)
    cache.flush()
    [kept] = (tmp_path / "coverage").glob("*.json")
    sealed = kept.read_bytes()
    kept.write_bytes(sealed[:64] + b'["Z"]')
    assert CoverageCache(tmp_path / "coverage").uncovered(TEXT) == uncovered(TEXT)
    assert len(counted) == 2
    moved = tmp_path / "elsewhere"
    shutil.copytree(tmp_path / "coverage", moved)
    kept.write_bytes(sealed)
    assert CoverageCache(moved).uncovered(TEXT) == uncovered(TEXT)
    assert len(counted) == 3, "a cache file copied from another folder is a miss"


def test_builds_report_the_same_font_warnings_cold_and_warm(tmp_path: Path) -> None:
    data = tmp_path / "delegations"
    shutil.copytree(EXAMPLE, data)
    person = data / "people" / "mohammad-javad-zarif.yaml"
    text = person.read_text(encoding="utf-8").replace("office: ", "office: \U00018b00 ", 1)
    person.write_text(text, encoding="utf-8")
    args = ["build", str(data), "--format", "html", "--out", str(tmp_path / "out")]
    runner = CliRunner()
    cold = runner.invoke(main, args)
    assert len(list(coverage_folder().glob("*.json"))) == 1
    person.write_text(text + "# an edit\n", encoding="utf-8")
    warm = runner.invoke(main, args)
    assert cold.exit_code == warm.exit_code == 0, cold.output + warm.output
    assert "wrote" in warm.output, "the edit was built, not short-cut"
    lines = [line for line in cold.stderr.splitlines() if "[BG413]" in line]
    assert lines == [line for line in warm.stderr.splitlines() if "[BG413]" in line]


def test_check_and_an_html_build_import_no_pdf_machinery(tmp_path: Path) -> None:
    """``check`` and an HTML build with the font answer cached import neither WeasyPrint,
    pikepdf nor fontTools (nor ``check`` Jinja), nor the parts of a book's PDF, nor
    numbered copies, nor rich when their output is not a terminal, and leave what they
    imported to no further garbage collection (``settle_imports``)."""
    out = str(tmp_path / "out")
    code = (
        "import sys; from click.testing import CliRunner; from briefgen.cli.main import main; "
        "args = sys.argv[1:]; r = CliRunner().invoke(main, args); "
        "assert r.exit_code == 0, r.output; "
        "import gc; print(' '.join(m for m in ('weasyprint', 'pikepdf', 'pydyf', 'fontTools', "
        "'jinja2', 'rich', 'briefgen.build.bookpdf', 'briefgen.project.recipients') "
        "if m in sys.modules), 'frozen' if gc.get_freeze_count() else 'unfrozen')"
    )
    html = ["build", str(EXAMPLE), "--format", "html", "--out", out, "--force"]
    terminal = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")  # would bring rich in
    environ = {name: value for name, value in os.environ.items() if name not in terminal}

    def imported(*args: str) -> set[str]:
        run = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, env=environ
        )
        assert run.returncode == 0, run.stderr
        return set(run.stdout.split())

    imported(*html)  # the first build derives the font answer, with fontTools
    assert imported(*html) == {"jinja2", "frozen"}
    assert imported("check", str(EXAMPLE)) == {"frozen"}


def test_the_folder_keeps_the_answers_used_last(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(briefgen.outputs.coverage, "KEPT", 3)
    folder = tmp_path / "coverage"
    for char in "ابپت":
        cache = CoverageCache(folder)
        cache.uncovered(char)
        cache.flush()
    assert len(list(folder.glob("*.json"))) == 3
    assert KEPT >= 100
