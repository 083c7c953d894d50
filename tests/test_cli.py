from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import main

from .conftest import EXAMPLE, EXAMPLE_MEETING, REPO, DataTree


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_check_example_exits_zero(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "ok: 1 meeting(s), 12 people checked." in result.output


def test_check_single_meeting_folder(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", str(EXAMPLE_MEETING)])
    assert result.exit_code == 0, result.output


def test_check_reports_located_errors_and_exits_one(
    runner: CliRunner, data_tree: DataTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = data_tree(
        **{
            "m/away.yaml": "name: Away\nmembers:\n  - person: anna-alpha\n"
            "    rol: Minister\n  - person: nobody\n"
        }
    )
    monkeypatch.chdir(root.parent)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "delegations/m/away.yaml:4:5: error: unknown key 'rol'; did you mean 'role'?",
        "delegations/m/away.yaml:5:13: error: unknown person 'nobody': there is no "
        "people/nobody.yaml",
        "2 error(s) found; nothing was built.",
    ]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["check", "no/such/folder"],
        ["build", "--format", "docx"],
        ["frobnicate"],
        ["build", "--nope"],
        ["build", "--paper", "a5"],
    ],
)
def test_usage_errors_exit_two(runner: CliRunner, args: list[str]) -> None:
    assert runner.invoke(main, args).exit_code == 2


def test_check_on_a_folder_without_data_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "not a delegations folder" in result.stderr


def test_build_html_writes_book(runner: CliRunner, data_tree: DataTree, tmp_path: Path) -> None:
    root = data_tree()
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(root / "m"), "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = out / "m" / "m-briefing-book.html"
    assert book.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in book.parent.iterdir()) == [book.name]


def test_invalid_input_leaves_existing_pdf_untouched(
    runner: CliRunner, data_tree: DataTree, tmp_path: Path
) -> None:
    root = data_tree(
        **{
            "m/meeting.yaml": "title: T\ndate: someday\nmarking: OFFICIAL\n"
            "delegations: [home, away]\n"
        }
    )
    out = tmp_path / "out"
    book = out / "m" / "m-briefing-book.pdf"
    book.parent.mkdir(parents=True)
    book.write_bytes(b"%PDF-previous")
    result = runner.invoke(main, ["build", str(root), "--out", str(out)])
    assert result.exit_code == 1
    assert "m/meeting.yaml:2:7: error: date: 'someday' is not a valid date" in result.stderr
    assert book.read_bytes() == b"%PDF-previous"
    assert sorted(p.name for p in book.parent.iterdir()) == [book.name]


def test_schema_is_one_json_document_with_three_kinds(runner: CliRunner) -> None:
    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert {"Person", "Delegation", "Meeting"} <= set(schema["$defs"])
    meeting = schema["$defs"]["Meeting"]
    assert meeting["additionalProperties"] is False
    assert {"title", "date", "marking", "delegations"} <= set(meeting["required"])


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "check", str(EXAMPLE)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok:")


def test_check_does_not_import_weasyprint() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from briefgen.cli import main; "
        f"r = CliRunner().invoke(main, ['check', {str(EXAMPLE)!r}]); "
        "assert r.exit_code == 0, r.output; print('weasyprint' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
