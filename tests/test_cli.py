from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli.main import main

from .conftest import EXAMPLE, EXAMPLE_MEETING, REPO, DataTree


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_check_example_exits_zero(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "ok: 2 meeting(s), 15 people checked." in result.output


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
        "delegations/m/away.yaml:4:5: error: unknown key 'rol'; did you mean 'role'? [BG201]",
        "delegations/m/away.yaml:5:13: error: unknown person 'nobody': there is no "
        "people/nobody.yaml [BG301]",
        "2 error(s), 0 warning(s).",
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
    book = out / "m" / "book.html"
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
    book = out / "m" / "book.pdf"
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
        "import sys; from click.testing import CliRunner; from briefgen.cli.main import main; "
        f"r = CliRunner().invoke(main, ['check', {str(EXAMPLE)!r}]); "
        "assert r.exit_code == 0, r.output; print('weasyprint' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("valid", [True, False])
def test_a_command_that_pauses_the_garbage_collector_turns_it_on_again(
    runner: CliRunner,
    data_tree: DataTree,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    valid: bool,
) -> None:
    """``runs_once`` pauses collection while a command imports; afterwards it is on, whether
    the command succeeded or found invalid input (the tests run commands in their process)."""
    import gc

    root = data_tree() if valid else data_tree(**{"m/away.yaml": BROKEN_AWAY})
    paused: list[bool] = []
    freeze = gc.freeze

    def spy() -> None:
        paused.append(not gc.isenabled())
        freeze()

    monkeypatch.setattr(gc, "freeze", spy)
    extra = ["--format", "html", "--out", str(tmp_path / "out")] if command == "build" else []
    result = runner.invoke(main, [command, str(root), *extra])
    assert result.exit_code == (0 if valid else 1), result.output
    assert gc.isenabled()
    assert paused == [True]  # settle_imports froze what was imported with collection paused


def test_the_program_runs_without_pydantic_plugins_unless_told() -> None:
    code = (
        "import os, sys; import briefgen.cli.main; m = sys.modules['briefgen.cli.main']\n"
        "m.main = lambda: print(os.environ.get('PYDANTIC_DISABLE_PLUGINS'))\n"
        "m.run()\n"
    )
    for given, seen in [(None, "__all__"), ("logfire", "logfire")]:
        env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
        if given:
            env["PYDANTIC_DISABLE_PLUGINS"] = given
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        assert result.stdout.strip() == seen, result.stderr


BROKEN_AWAY = "name: Away\nmembers:\n  - person: anna-alpha\n    rol: Minister\n"
WARN_PERSON = "name:\n  given: Boris\n  family: Beta\n  native: Борис Бета\noffice: Adviser\n"


def test_check_github_format_annotates_lines(
    runner: CliRunner, data_tree: DataTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = data_tree(**{"m/away.yaml": BROKEN_AWAY})
    monkeypatch.chdir(root)
    result = runner.invoke(main, ["check", ".", "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=m/away.yaml,line=4,col=5,title=BG201 unknown-key::unknown key 'rol'; "
        "did you mean 'role'?"
    ]


def test_check_json_format(
    runner: CliRunner, data_tree: DataTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = data_tree(**{"m/away.yaml": BROKEN_AWAY})
    monkeypatch.chdir(root)
    result = runner.invoke(main, ["check", ".", "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "file": "m/away.yaml",
            "line": 4,
            "col": 5,
            "severity": "error",
            "code": "BG201",
            "slug": "unknown-key",
            "message": "unknown key 'rol'",
            "hint": "did you mean 'role'?",
        }
    ]


def test_warnings_pass_unless_strict_and_can_be_ignored(
    runner: CliRunner, data_tree: DataTree
) -> None:
    root = data_tree(**{"people/boris-beta.yaml": WARN_PERSON})
    result = runner.invoke(main, ["check", str(root)])
    assert result.exit_code == 0
    assert "warning: 'Борис Бета' has no pronunciation" in result.stderr
    assert "1 warning(s)" in result.stdout
    assert runner.invoke(main, ["check", str(root), "--strict"]).exit_code == 1
    quiet = runner.invoke(main, ["check", str(root), "--strict", "--ignore", "BG407"])
    assert quiet.exit_code == 0
    assert quiet.stderr == ""


@pytest.mark.parametrize("code", ["BG999", "BG201"])
def test_ignore_accepts_only_known_warning_codes(runner: CliRunner, code: str) -> None:
    result = runner.invoke(main, ["check", str(EXAMPLE), "--ignore", code])
    assert result.exit_code == 2


def test_pre_commit_hook_entry_on_a_git_repository(data_tree: DataTree, tmp_path: Path) -> None:
    import shutil

    import yaml

    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "briefgen-check"
    repo = data_tree().parent
    git = shutil.which("git")
    assert git is not None
    for command in (["init", "-q"], ["add", "-A"]):
        subprocess.run([git, *command], cwd=repo, check=True)
    entry = hook["entry"].split()
    executable = Path(sys.executable).with_name(entry[0])
    command = [str(executable), *entry[1:], *hook.get("args", [])]
    assert subprocess.run(command, cwd=repo, capture_output=True).returncode == 0
    (repo / "delegations/m/away.yaml").write_text(BROKEN_AWAY, encoding="utf-8")
    failed = subprocess.run(command, cwd=repo, capture_output=True, text=True)
    assert failed.returncode == 1
    assert "delegations/m/away.yaml:4:5: error: unknown key 'rol'" in failed.stderr
    assert re.search(hook["files"], "delegations/m/away.yaml")


def test_every_code_is_documented() -> None:
    from briefgen.codes import CODES

    text = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    for code in CODES.values():
        assert f"| `{code.code}` | `{code.slug}` | {code.severity} |" in text


def test_meetings_lists_the_meeting_ids_for_a_ci_matrix() -> None:
    result = CliRunner().invoke(main, ["meetings", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == ["2017-09-28-ankara", "2019-09-16-ankara"]
    plain = CliRunner().invoke(main, ["meetings", str(EXAMPLE)])
    assert plain.output == "2017-09-28-ankara\n2019-09-16-ankara\n"
